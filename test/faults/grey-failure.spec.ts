import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lock, type LockEvent, LockService } from '../../lib/index.js';
import type { EtcdMember } from '../../tools/etcd/etcd-member.js';
import { type EtcdCluster, startEtcdCluster } from '../../tools/etcd/etcd-cluster.js';
import { now } from '../src/critical-section.recorder.js';
import { findFencingRegressions, findLostUpdates, findOverlaps } from '../support/checkers.js';
import { recordFault } from '../support/fault-record.js';
import { runGreyLoad } from '../support/grey-load.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

const FREEZE_MS = 15_000;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

describe('a silent member of a 3-member cluster (SIGSTOP for 15 s)', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster(3);
  });
  afterAll(() => cluster?.stop());

  /** The member to freeze, listed first so that every replica starts out talking to it. */
  async function pick(
    role: 'leader' | 'follower',
  ): Promise<{ member: EtcdMember; hosts: string[] }> {
    const leader = await cluster.leader();
    const member = role === 'leader' ? leader : cluster.members.find((m) => m !== leader)!;
    const hosts = [member.endpoint, ...cluster.hosts.filter((h) => h !== member.endpoint)];
    return { member, hosts };
  }

  async function frozen(role: 'leader' | 'follower', ttl: number | undefined) {
    const { member, hosts } = await pick(role);
    const prefix = uniquePrefix(`grey-${role}`);
    const options = { hosts, prefix, ...(ttl ? { ttl } : {}) };
    const apps: INestApplicationContext[] = [];
    try {
      for (let i = 0; i < 3; i++) apps.push(await bootContext(options));
      const [a, b, c] = apps.map((app) => app.get(LockService)) as [
        LockService,
        LockService,
        LockService,
      ];
      const lost: LockEvent[] = [];
      a.events$.pipe(filter((e) => e.type === 'lost')).subscribe((e) => lost.push(e));
      const held: Lock[] = [];
      for (const name of ['held-1', 'held-2', 'held-3']) held.push(await a.acquire(name));
      // A waiter whose watch runs on the member about to freeze.
      const gate = await b.acquire('waiter');
      const queued = firstValueFrom(c.events$.pipe(filter((e) => e.type === 'queued')));
      const waiting = c.acquire('waiter', { waitTimeout: Infinity });
      await queued;

      const stop = new AbortController();
      const loadDone = runGreyLoad(a, b, stop.signal);
      await sleep(1_000);
      member.signal('SIGSTOP');
      const frozenAt = now();
      await sleep(2_000);
      const releasedAt = now();
      await gate.release();
      const waiter = await waiting;
      const waiterServedMs = now() - releasedAt;
      await waiter.release();
      await sleep(Math.max(0, FREEZE_MS - (now() - frozenAt)));
      member.signal('SIGCONT');
      await sleep(3_000);
      stop.abort();
      const load = await loadDone;

      const keptHeld = held.filter((l) => l.held && !l.signal.aborted).length;
      const silentlyLost = [];
      const etcd = apps[0]!.get(LockService);
      for (const lock of held) {
        const present = await etcd
          .tryAcquire(lock.key)
          .then(async (l) => (await l?.release(), l === null));
        if (!present && !lock.signal.aborted) silentlyLost.push(lock.key);
      }
      for (const lock of held) await lock.release();

      expect(load.errors).toEqual([]);
      expect(findOverlaps(load.sections)).toEqual([]);
      expect(findFencingRegressions(load.sections)).toEqual([]);
      expect(findLostUpdates(load.sections)).toEqual([]);
      expect(silentlyLost).toEqual([]);
      if (role === 'follower') expect(lost).toEqual([]);
      return { member, load, keptHeld, lost, waiterServedMs };
    } finally {
      for (const app of apps) await app.close();
    }
  }

  for (const role of ['follower', 'leader'] as const) {
    for (const ttl of [undefined, 4]) {
      const label = `${role} frozen, ttl ${ttl ?? '10 (default)'}`;
      it(`keeps every lock and serves every call with the ${label}`, async () => {
        const run = await frozen(role, ttl);
        const revoked = 3 - run.keptHeld;
        recordFault({
          scenario: `Grey failure: ${label}`,
          invariant:
            'no overlap, tokens increase, exact counts; no lock silently lost; a follower costs no lock',
          figure:
            `${run.member.config.name} frozen 15 s; held locks kept ${run.keptHeld}/3` +
            (revoked
              ? ` (${revoked} revoked by the server after the thaw, each reported as lost)`
              : '') +
            `; longest acquire+release ${s(run.load.longestCycleMs)}; longest handoff ` +
            `${s(run.load.longestHandoffMs)} over ${run.load.handoffs} handoffs; waiter on the ` +
            `frozen member served ${s(run.waiterServedMs)} after the release; ` +
            `${run.load.sections.length} sections, overlaps 0`,
        });
      });
    }
  }
});
