import { Inject, Injectable } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { randomUUID } from 'node:crypto';
import { ETCD_LOCK_CLIENT, type Lock } from 'nestjs-etcd-lock';

/**
 * Stock kept in etcd, read and written with plain get/put: no compare-and-swap. It is the kind
 * of store (a cache, a legacy table, an external API) that needs a lock to stay correct.
 */
@Injectable()
export class InventoryStore {
  constructor(@Inject(ETCD_LOCK_CLIENT) private readonly etcd: Etcd3) {}

  async remaining(sku: string): Promise<number> {
    return (await this.etcd.get(`inventory/${sku}/remaining`).number()) ?? 0;
  }

  async setRemaining(sku: string, value: number): Promise<void> {
    await this.etcd.put(`inventory/${sku}/remaining`).value(value);
  }

  /** A write that only lands while `lock` is still held: the fencing check, done by etcd. */
  async setRemainingFenced(lock: Lock, sku: string, value: number): Promise<boolean> {
    const put = this.etcd.put(`inventory/${sku}/remaining`).value(value);
    return (await lock.ifHeld().then(put).commit()).succeeded;
  }

  async recordOrder(sku: string, instance: string): Promise<string> {
    const id = randomUUID();
    await this.etcd.put(`inventory/${sku}/orders/${id}`).value(instance);
    return id;
  }

  async orders(sku: string): Promise<number> {
    return this.etcd.getAll().prefix(`inventory/${sku}/orders/`).count();
  }

  async clear(sku: string): Promise<void> {
    await this.etcd.delete().prefix(`inventory/${sku}/`);
  }
}
