import { Inject, Injectable } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { ETCD_LOCK_CLIENT } from '../../lib/index.js';

/**
 * A counter kept in etcd and updated with a plain read, then a plain write: no compare-and-swap.
 * Two writers inside at once lose an update, which is what the lock must prevent.
 */
@Injectable()
export class CounterStore {
  constructor(@Inject(ETCD_LOCK_CLIENT) private readonly client: Etcd3) {}

  async read(name: string): Promise<number> {
    return (await this.client.get(this.key(name)).number()) ?? 0;
  }

  async increment(name: string): Promise<number> {
    const value = (await this.read(name)) + 1;
    await this.client.put(this.key(name)).value(value);
    return value;
  }

  private key(name: string): string {
    return `test-counter/${name}`;
  }
}
