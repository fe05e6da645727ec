import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { seedForeignLocks } from '../../tools/etcd/foreign-locks.js';
import { now } from '../src/critical-section.recorder.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, inspector, uniquePrefix } from '../support/lock-app.js';

/**
 * `list()` over many held locks of another process, from a process that holds a lock of its
 * own: it must list them all, without a stall of its event loop that would cost it its lock.
 */
describe.each([10_000, 100_000])('a listing of %i held locks', (count) => {
  const prefix = uniquePrefix('listing');
  const etcd = inspector();
  let app: INestApplicationContext;
  let dropForeign = async (): Promise<void> => undefined;
  beforeAll(async () => {
    app = await bootContext({ prefix, ttl: 2 });
    dropForeign = (await seedForeignLocks(etcd, prefix, 'job', count)).release;
  });
  afterAll(async () => {
    await dropForeign();
    await app?.close();
    etcd.close();
  });

  it('lists every one of them, and the listing process keeps its own lock', async () => {
    const locks = app.get(LockService);
    const mine = await locks.acquire('mine');
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = now();
    const infos = await locks.list();
    const tookS = (now() - started) / 1000;
    loop.disable();
    const stallMs = loop.max / 1e6;
    expect(infos).toHaveLength(count + 1);
    expect(infos.every((i) => i.holders.length === 1 && i.waiters.length === 0)).toBe(true);
    expect(infos.find((i) => i.name === 'job-0')!.holders[0]!.owner).toBe('other-host/4242');
    expect(mine.held).toBe(true);
    expect((await mine.ifHeld().commit()).succeeded).toBe(true);
    await mine.release();
    recordFault({
      scenario: `list() over ${count.toLocaleString('en')} held locks`,
      invariant: 'every lock listed; the listing process keeps its own lock (ttl 2 s)',
      figure: `${infos.length} listed in ${tookS.toFixed(2)} s; longest event-loop stall ${stallMs.toFixed(0)} ms; own lock kept`,
    });
  });
});
