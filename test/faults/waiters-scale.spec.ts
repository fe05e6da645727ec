import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { now } from '../src/critical-section.recorder.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, inspector, uniquePrefix } from '../support/lock-app.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapBytes = () => (gc(), gc(), process.memoryUsage().heapUsed);

const WAITERS = 3_000;

describe(`${WAITERS} waiters on one name in one process`, () => {
  const prefix = uniquePrefix('waiters');
  const etcd = inspector();
  let holderApp: INestApplicationContext;
  let waiterApp: INestApplicationContext;
  beforeAll(async () => {
    holderApp = await bootContext({ prefix });
    waiterApp = await bootContext({ prefix });
  });
  afterAll(async () => {
    await Promise.all([holderApp?.close(), waiterApp?.close()]);
    etcd.close();
  });

  it('are all served one at a time, cost little heap each, and cost the process no other lock', async () => {
    const holder = await holderApp.get(LockService).acquire('busy');
    const locks = waiterApp.get(LockService);
    const unrelated = await locks.acquire('unrelated');
    const before = heapBytes();
    let inside = 0;
    let most = 0;
    let served = 0;
    const waiting = Array.from({ length: WAITERS }, () =>
      locks.withLock(
        'busy',
        async () => {
          most = Math.max(most, ++inside);
          await Promise.resolve();
          served++;
          inside--;
        },
        { waitTimeout: 300_000 },
      ),
    );
    const queue = () => etcd.getAll().prefix(`${prefix}busy/`).count();
    await expect.poll(queue, { timeout: 120_000, interval: 250 }).toBe(WAITERS + 1);
    const perWaiter = (heapBytes() - before) / WAITERS;
    const releasedAt = now();
    await holder.release();
    const outcomes = await Promise.allSettled(waiting);
    const drainedS = (now() - releasedAt) / 1000;
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed).toEqual([]);
    expect(served).toBe(WAITERS);
    expect(most).toBe(1);
    expect(unrelated.held).toBe(true);
    expect((await unrelated.ifHeld().commit()).succeeded).toBe(true);
    await unrelated.release();
    recordFault({
      scenario: `${WAITERS} waiters on one name in one process`,
      invariant: 'every waiter served, one at a time; an unrelated lock of the process is kept',
      figure: `served ${served}/${WAITERS} in ${drainedS.toFixed(1)} s after the holder left (${((drainedS * 1000) / WAITERS).toFixed(1)} ms a handoff); failures 0; most inside at once 1; heap ${(perWaiter / 1024).toFixed(1)} KB per waiter; the unrelated lock kept`,
    });
  });
});
