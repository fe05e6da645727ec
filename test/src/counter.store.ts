import { setImmediate } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { ETCD_LOCK_CLIENT } from '../../lib/index.js';

/**
 * A counter updated with a plain read, then a plain write: no compare-and-swap. Two writers
 * inside at once lose an update, which is what the lock must prevent. Kept in etcd, or in
 * memory (yielding between read and write) when the app runs on the in-memory lock backend.
 */
@Injectable()
export class CounterStore {
  /** Shared by every app in the process, as etcd is shared by replicas. */
  private static readonly memory = new Map<string, number>();

  constructor(@Optional() @Inject(ETCD_LOCK_CLIENT) private readonly client?: Etcd3) {}

  async read(name: string): Promise<number> {
    if (!this.client) return CounterStore.memory.get(name) ?? 0;
    return (await this.client.get(this.key(name)).number()) ?? 0;
  }

  increment(name: string): Promise<number> {
    return this.add(name, 1);
  }

  async add(name: string, delta: number): Promise<number> {
    const value = (await this.read(name)) + delta;
    if (this.client) await this.client.put(this.key(name)).value(value);
    else await setImmediate().then(() => CounterStore.memory.set(name, value));
    return value;
  }

  private key(name: string): string {
    return `test-counter/${name}`;
  }
}
