import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderService, type Lock, LockService } from '../../lib/index.js';
import { findOverlaps } from '../support/checkers.js';
import { recordFault } from '../support/fault-record.js';
import {
  bootContext,
  inspector,
  keysUnder,
  revokeLeaseOf,
  uniquePrefix,
} from '../support/lock-app.js';
import { type CriticalSection, now } from '../src/critical-section.recorder.js';

/**
 * etcd's TestMutexLockSessionExpired and TestMutexWaitsOnCurrentHolder, and the Jepsen finding
 * behind etcd #11456: a waiter whose own key goes (an operator deletes it, or its lease is
 * revoked) while it waits must never be handed the lock when its predecessor leaves.
 */
const REPETITIONS = 20;
type Fault = 'key deleted' | 'lease revoked';

describe('a waiter whose own key vanished while it waited', () => {
  const prefix = uniquePrefix('waiter-gone');
  const etcd = inspector();
  let holderApp: INestApplicationContext;
  let holder: LockService;
  beforeAll(async () => {
    holderApp = await bootContext({ prefix });
    holder = holderApp.get(LockService);
  });
  afterAll(async () => {
    await holderApp.close();
    etcd.close();
  });

  /**
   * One round: the holder holds `name`, the waiter queues behind it, the fault hits the
   * waiter's key, the holder leaves and at once takes `name` again. Every section checks at
   * its start that its lock is held and its key is in etcd at its token.
   */
  async function round(waiter: LockService, name: string, fault: Fault) {
    const sections: CriticalSection[] = [];
    const unheld: string[] = [];
    const body = (via: string) => async (lock: Lock) => {
      const enter = now();
      const [kv] = (await etcd.get(lock.etcdKey).exec()).kvs;
      if (!lock.held || kv?.create_revision !== String(lock.fencingToken)) unheld.push(via);
      sections.push({
        key: name,
        enter,
        exit: now(),
        fencingToken: `${lock.fencingToken}`,
        value: 0,
        pid: 0,
        via,
      });
    };
    let leave!: () => void;
    const left = new Promise<void>((resolve) => (leave = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = holder.withLock(name, async (lock) => {
      entered();
      await left;
      await body('holder')(lock);
    });
    await inside;
    const waiting = waiter.withLock(name, body('waiter'));
    await expect.poll(() => keysUnder(etcd, `${prefix}${name}/`)).toHaveLength(2);
    const [, waiterKey] = await etcd
      .getAll()
      .prefix(`${prefix}${name}/`)
      .sort('Create', 'Ascend')
      .keys();
    if (fault === 'key deleted') await etcd.delete().key(waiterKey!);
    else await revokeLeaseOf(etcd, { etcdKey: waiterKey! } as Lock);
    leave();
    await first;
    const again = holder.withLock(name, body('holder again'));
    const outcomes = await Promise.allSettled([waiting, again]);
    return { sections, unheld, outcomes };
  }

  for (const fault of ['key deleted', 'lease revoked'] as const) {
    for (const start of ['freshly started', 'warm'] as const) {
      it(`never runs a body without the lock: ${fault}, waiter ${start}, ${REPETITIONS} times`, async () => {
        let warm: INestApplicationContext | undefined;
        const sections: CriticalSection[] = [];
        const unheld: string[] = [];
        let rejected = 0;
        for (let i = 0; i < REPETITIONS; i++) {
          const app =
            start === 'warm'
              ? (warm ??= await bootContext({ prefix }))
              : await bootContext({ prefix });
          const name = `${fault.replace(' ', '-')}-${start.split(' ')[0]}-${i}`;
          const run = await round(app.get(LockService), name, fault);
          if (start !== 'warm') await app.close();
          sections.push(...run.sections);
          unheld.push(...run.unheld);
          rejected += run.outcomes.filter((o) => o.status === 'rejected').length;
        }
        await warm?.close();
        expect(unheld).toEqual([]);
        expect(findOverlaps(sections)).toEqual([]);
        expect(rejected).toBe(0);
        expect(sections).toHaveLength(3 * REPETITIONS);
        recordFault({
          scenario: `Waiter's ${fault === 'key deleted' ? 'key deleted' : 'lease revoked'} while it waits, ${start} process`,
          invariant:
            'acquire never hands out a lock whose key is gone; no body runs without the lock',
          figure: `${REPETITIONS} rounds: ${sections.length} sections, bodies without the lock 0, overlaps 0; every waiter queued again and held under a new key`,
        });
      });
    }
  }

  it('never elects a candidate whose key was deleted while it waited, freshly started, 20 times', async () => {
    const notLeading: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      const name = `election-${i}`;
      const leader = await holderApp.get(LeaderService).campaign(name);
      const app = await bootContext({ prefix });
      const campaigning = app.get(LeaderService).campaign(name);
      await expect.poll(() => keysUnder(etcd, `${prefix}${name}/`)).toHaveLength(2);
      const [, key] = await etcd
        .getAll()
        .prefix(`${prefix}${name}/`)
        .sort('Create', 'Ascend')
        .keys();
      await etcd.delete().key(key!);
      await leader.resign();
      const elected = await campaigning;
      const [kv] = (await etcd.getAll().prefix(`${prefix}${name}/`).sort('Create', 'Ascend').exec())
        .kvs;
      if (!elected.isLeader || kv?.create_revision !== String(elected.term)) notLeading.push(i);
      await elected.resign();
      await app.close();
    }
    expect(notLeading).toEqual([]);
  });

  it('never gives a permit to a semaphore waiter whose key was deleted while it waited', async () => {
    const unheld: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      const name = `permits-${i}`;
      const held = [
        await holder.acquire(name, { permits: 2 }),
        await holder.acquire(name, { permits: 2 }),
      ];
      const app = await bootContext({ prefix });
      const waiting = app.get(LockService).acquire(name, { permits: 2 });
      await expect.poll(() => keysUnder(etcd, `${prefix}${name}/`)).toHaveLength(3);
      const [, , key] = await etcd
        .getAll()
        .prefix(`${prefix}${name}/`)
        .sort('Create', 'Ascend')
        .keys();
      await etcd.delete().key(key!);
      await held[0]!.release();
      const lock = await waiting;
      const [kv] = (await etcd.get(lock.etcdKey).exec()).kvs;
      if (!lock.held || kv?.create_revision !== String(lock.fencingToken)) unheld.push(i);
      await Promise.all([lock.release(), held[1]!.release()]);
      await app.close();
    }
    expect(unheld).toEqual([]);
  });
});
