import { Controller, Get, HttpCode, HttpException, Param, Post } from '@nestjs/common';
import { LockService, WithLock } from '../../lib/index.js';
import { CounterStore } from './counter.store.js';

/** HTTP routes with the decorator on both sides of the route decorators. */
@Controller('stock')
export class StockController {
  constructor(
    private readonly counter: CounterStore,
    private readonly locks: LockService,
  ) {}

  @Post(':sku/reserve')
  @HttpCode(201)
  @WithLock((sku: string) => `stock:${sku}`)
  async reserve(@Param('sku') sku: string): Promise<{ reserved: number; token: string }> {
    const reserved = await this.counter.increment(`stock-${sku}`);
    return { reserved, token: String(this.locks.current()?.fencingToken) };
  }

  @WithLock('stock-report')
  @Get('report')
  async report(): Promise<{ held: string | undefined }> {
    return { held: this.locks.current()?.key };
  }

  @Post(':sku/conflict')
  @WithLock((sku: string) => `stock:${sku}`)
  async conflict(@Param('sku') sku: string): Promise<never> {
    throw new HttpException({ message: `sku ${sku} conflicts` }, 409);
  }
}
