import { Controller, Param, Post, UseFilters } from '@nestjs/common';
import { LockExceptionFilter, WithLock } from 'nestjs-etcd-lock';
import { AppService } from './app.service.js';

@Controller('seats')
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Post('reserve')
  reserve(): Promise<{ seat: number; token: string }> {
    return this.appService.reserve();
  }

  @Post(':id/hold')
  @UseFilters(LockExceptionFilter)
  @WithLock((id: string) => `seat:${id}`, { onLocked: 'throw' })
  async hold(@Param('id') id: string): Promise<{ held: string }> {
    return { held: id };
  }
}
