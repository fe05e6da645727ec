import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockLostError, LockService } from '../../lib/index.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

const TTL = 2;

/** etcd frozen with SIGSTOP: renewals go unanswered, so the client must give the lock up itself. */
describe('a lease that cannot be renewed is reported lost by its deadline', () => {
  let etcd: EtcdInstance;
  let app: INestApplicationContext;
  let locks: LockService;

  beforeAll(async () => {
    etcd = await startEtcd(); // its own etcd: freezing it must not disturb other suites
    app = await bootContext({ hosts: etcd.endpoint, prefix: uniquePrefix('deadline'), ttl: TTL });
    locks = app.get(LockService);
  });
  afterAll(async () => {
    process.kill(etcd.pid, 'SIGCONT');
    await app.close();
    await etcd.stop();
  });

  it('aborts the signal no later than the server could expire the lease, then recovers', async () => {
    const lock = await locks.acquire('frozen');
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const work = locks.withLock('frozen-work', async (held) => {
      entered();
      await once(held.signal, 'abort');
      return 'finished after the loss';
    });
    await inside;

    const frozenAt = performance.now();
    process.kill(etcd.pid, 'SIGSTOP');
    await once(lock.signal, 'abort');
    const detectedAfter = performance.now() - frozenAt;
    process.kill(etcd.pid, 'SIGCONT');

    expect(lock.signal.reason).toBeInstanceOf(LockLostError);
    expect((lock.signal.reason as Error).message).toContain(`within its ${TTL} s TTL`);
    // The deadline counts from the last renewal *sent*, so it comes before the server's expiry.
    expect(detectedAfter).toBeLessThanOrEqual(TTL * 1000 + 100);
    await expect(work).rejects.toBeInstanceOf(LockLostError);

    const next = await locks.acquire('frozen', { waitTimeout: 10_000 });
    expect(next.fencingToken > lock.fencingToken).toBe(true);
    await lock.release(); // must not touch the new holder's key
    const stillOurs = await next.ifHeld().commit();
    expect(stillOurs.succeeded).toBe(true);
    await next.release();
  });
});
