import type { INestApplicationContext } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { bootContext, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';

describe('waiters are served in arrival order', () => {
  const prefix = uniquePrefix('fifo');
  const apps: INestApplicationContext[] = [];
  let etcd: Etcd3;

  beforeAll(async () => {
    // Two applications: two sessions, so the queue spans leases as it would span replicas.
    apps.push(await bootContext({ prefix }), await bootContext({ prefix }));
    etcd = inspector();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    etcd.close();
  });

  it('hands the lock over in FIFO order, across sessions', async () => {
    const services = apps.map((a) => a.get(LockService));
    const holder = await services[0]!.acquire('queue');
    const order: number[] = [];
    const waiters: Promise<void>[] = [];
    for (let i = 0; i < 8; i++) {
      waiters.push(
        services[i % 2]!.withLock('queue', () => {
          order.push(i);
        }),
      );
      // The next waiter may only arrive once this one's key is in the queue.
      await expect.poll(() => keysUnder(etcd, `${prefix}queue/`).then((k) => k.length)).toBe(i + 2);
    }
    await holder.release();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
