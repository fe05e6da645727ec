import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lock, LockService } from '../../lib/index.js';
import { now } from '../src/critical-section.recorder.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, inspector, uniquePrefix } from '../support/lock-app.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapBytes = () => (gc(), gc(), process.memoryUsage().heapUsed);

/** Acquires `names` in slices, as a busy process would have taken them over time. */
async function holdAll(locks: LockService, names: string[]): Promise<Lock[]> {
  const held: Lock[] = [];
  for (let i = 0; i < names.length; i += 500)
    held.push(...(await Promise.all(names.slice(i, i + 500).map((n) => locks.acquire(n)))));
  return held;
}

describe.each([
  { scenario: '3000 waiters on one name in one process', waiters: 3_000, names: 1 },
  { scenario: '10,000 waiters on distinct names in one process', waiters: 10_000, names: 10_000 },
])('$scenario', ({ scenario, waiters, names }) => {
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

  it('are all served, one at a time per name, cost little heap each, and cost the process no other lock', async () => {
    const nameOf = (i: number) => `busy-${i % names}`;
    const holders = await holdAll(
      holderApp.get(LockService),
      Array.from({ length: names }, (_, i) => nameOf(i)),
    );
    const locks = waiterApp.get(LockService);
    const unrelated = await locks.acquire('unrelated');
    const before = heapBytes();
    const inside = new Map<string, number>();
    let most = 0;
    let served = 0;
    const waiting = Array.from({ length: waiters }, (_, i) =>
      locks.withLock(
        nameOf(i),
        async () => {
          const count = (inside.get(nameOf(i)) ?? 0) + 1;
          inside.set(nameOf(i), count);
          most = Math.max(most, count);
          await Promise.resolve();
          served++;
          inside.set(nameOf(i), count - 1);
        },
        { waitTimeout: 300_000 },
      ),
    );
    const keys = () => etcd.getAll().prefix(prefix).count();
    await expect.poll(keys, { timeout: 120_000, interval: 250 }).toBe(waiters + names + 1);
    const perWaiter = (heapBytes() - before) / waiters;
    const releasedAt = now();
    for (let i = 0; i < holders.length; i += 1_000)
      await Promise.all(holders.slice(i, i + 1_000).map((h) => h.release()));
    const outcomes = await Promise.allSettled(waiting);
    const drainedS = (now() - releasedAt) / 1000;
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed).toEqual([]);
    expect(served).toBe(waiters);
    expect(most).toBe(1);
    // The bound; at 11.7-12.0 KB before waiters shared one delete watch and one signal.
    expect(perWaiter).toBeLessThanOrEqual(8 * 1024);
    expect(unrelated.held).toBe(true);
    expect((await unrelated.ifHeld().commit()).succeeded).toBe(true);
    await unrelated.release();
    recordFault({
      scenario,
      invariant:
        'every waiter served, one at a time per name; an unrelated lock of the process is kept',
      figure: `served ${served}/${waiters} in ${drainedS.toFixed(1)} s after the holders left (${((drainedS * 1000) / waiters).toFixed(1)} ms a waiter); failures 0; most inside one name at once 1; heap ${(perWaiter / 1024).toFixed(1)} KB per waiter; the unrelated lock kept`,
    });
  });
});
