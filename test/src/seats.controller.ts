import { ConflictException, Controller, Param, Post, UseFilters } from '@nestjs/common';
import { LockExceptionFilter, WithLock } from '../../lib/index.js';

/** Routes that answer "busy" at once; lock failures mapped by the opt-in filter. */
@Controller('seats')
@UseFilters(LockExceptionFilter)
export class SeatsController {
  @Post(':id')
  @WithLock((id: string) => `seat:${id}`, { onLocked: 'throw' })
  async reserve(@Param('id') id: string): Promise<{ reserved: string }> {
    return { reserved: id };
  }

  @Post(':id/taken')
  @WithLock((id: string) => `seat:${id}`, { onLocked: 'throw' })
  async taken(@Param('id') id: string): Promise<never> {
    throw new ConflictException(`seat ${id} is taken`);
  }
}
