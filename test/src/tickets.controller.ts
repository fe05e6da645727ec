import { Controller, Param, Post } from '@nestjs/common';
import { WithLock } from '../../lib/index.js';

/** A busy route with no exception filter of the app's own: what most teams write first. */
@Controller('tickets')
export class TicketsController {
  @Post(':id')
  @WithLock((id: string) => `ticket:${id}`, { onLocked: 'throw' })
  async book(@Param('id') id: string): Promise<{ booked: string }> {
    return { booked: id };
  }
}
