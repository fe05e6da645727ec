import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { WithLock } from 'nestjs-etcd-lock';
import { InventoryService } from './inventory.service.js';

@Controller('inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  /** One reservation per SKU at a time, across every replica. */
  @Post(':sku/reserve')
  @HttpCode(201)
  @WithLock((sku: string) => `inventory:${sku}`, { ttl: 5, waitTimeout: 10_000 })
  reserve(@Param('sku') sku: string) {
    return this.inventory.reserve(sku);
  }

  /** The same handler without the lock, so the demo can show what goes wrong. */
  @Post(':sku/reserve-unguarded')
  @HttpCode(201)
  reserveUnguarded(@Param('sku') sku: string) {
    return this.inventory.reserve(sku);
  }

  @Post(':sku/restock')
  restock(@Param('sku') sku: string, @Query('quantity', ParseIntPipe) quantity: number) {
    return this.inventory.restock(sku, quantity);
  }

  @Get(':sku')
  summary(@Param('sku') sku: string, @Query('initial', ParseIntPipe) initial: number) {
    return this.inventory.summary(sku, initial);
  }
}
