import { ConflictException, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockService } from 'nestjs-etcd-lock';
import { InventoryStore } from './inventory.store.js';

export const INSTANCE = process.env.INSTANCE_NAME ?? `pid-${process.pid}`;

@Injectable()
export class InventoryService {
  constructor(
    private readonly store: InventoryStore,
    private readonly locks: LockService,
  ) {}

  /** Read, check, pay, write: a race without a lock, since every step awaits. */
  async reserve(sku: string): Promise<{ order: string; remaining: number; instance: string }> {
    const remaining = await this.store.remaining(sku);
    if (remaining <= 0) throw new ConflictException(`${sku} is sold out`);
    await sleep(5); // the payment provider answers
    await this.store.setRemaining(sku, remaining - 1);
    const order = await this.store.recordOrder(sku, INSTANCE);
    return { order, remaining: remaining - 1, instance: INSTANCE };
  }

  /** `LockService.withLock` used directly, with a fenced write as the final step. */
  async restock(
    sku: string,
    quantity: number,
  ): Promise<{ remaining: number; fencingToken: string }> {
    return this.locks.withLock(`inventory:${sku}`, async (lock) => {
      await this.store.clear(sku);
      const written = await this.store.setRemainingFenced(lock, sku, quantity);
      if (!written) throw new ConflictException('lost the lock before the restock was written');
      return { remaining: quantity, fencingToken: String(lock.fencingToken) };
    });
  }

  async summary(sku: string, initial: number) {
    const [orders, remaining] = await Promise.all([
      this.store.orders(sku),
      this.store.remaining(sku),
    ]);
    return { sku, initial, orders, remaining, oversold: Math.max(0, orders - initial) };
  }
}
