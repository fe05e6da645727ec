import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockAcquireError, LockService, LockTimeoutError } from '../../lib/index.js';
import { type EtcdCluster, startEtcdCluster } from '../../tools/etcd/etcd-cluster.js';
import { type CriticalSection, now } from '../src/critical-section.recorder.js';
import { findFencingRegressions, findLostUpdates, findOverlaps } from '../support/checkers.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';
import { runWorkers } from '../support/workers.js';

/** The longest time no critical section was running, across all keys. */
function longestStall(sections: readonly CriticalSection[]): number {
  const sorted = [...sections].sort((a, b) => a.enter - b.enter);
  let stall = 0;
  let busyUntil = sorted[0]?.exit ?? 0;
  for (const s of sorted) {
    stall = Math.max(stall, s.enter - busyUntil);
    busyUntil = Math.max(busyUntil, s.exit);
  }
  return stall;
}

describe('3-member etcd cluster on loopback', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster(3);
  });
  afterAll(() => cluster?.stop());

  it('leader killed under load, 5 times: no overlap, every caller served', async () => {
    const stalls: string[] = [];
    for (let round = 1; round <= 5; round++) {
      const prefix = uniquePrefix(`fault-leader-${round}`);
      const run = prefix.slice(0, -1);
      const keys = [`${run}-a`, `${run}-b`];
      let killed = '';
      let killedAt = Infinity;
      const { sections } = await runWorkers(
        3,
        {
          ETCD_HOSTS: cluster.hosts.join(','),
          LOCK_PREFIX: prefix,
          CALLERS: '4',
          ITERATIONS: '60',
          KEYS: keys.join(','),
        },
        () => {
          setTimeout(async () => {
            const leader = await cluster.leader();
            killed = leader.config.name;
            killedAt = now();
            await leader.crash();
          }, 500);
        },
      );
      expect(killed).not.toBe('');
      expect(sections).toHaveLength(3 * 4 * 60);
      // The kill must land in the middle of the load, or the round proves nothing.
      const after = sections.filter((x) => x.enter > killedAt).length;
      expect(after).toBeGreaterThan(0);
      expect(findOverlaps(sections)).toEqual([]);
      expect(findFencingRegressions(sections)).toEqual([]);
      expect(findLostUpdates(sections)).toEqual([]);
      const survivor = cluster.members.find((m) => m.running)!;
      const { Etcd3 } = await import('etcd3');
      const etcd = new Etcd3({ hosts: survivor.endpoint });
      const counters = await Promise.all(keys.map((k) => etcd.get(`test-counter/${k}`).number()));
      etcd.close();
      expect(counters.reduce<number>((a, b) => a + (b ?? 0), 0)).toBe(sections.length);
      stalls.push(
        `${killed} ${(longestStall(sections) / 1000).toFixed(2)} s (${after} after the kill)`,
      );
      await cluster.members.find((m) => !m.running)!.start();
    }
    recordFault({
      scenario: 'Leader killed (3-member cluster)',
      invariant: 'no overlap, tokens increase, exact count, all callers served',
      figure: `5 rounds of 720 sections, leader killed 0.5 s in each; overlaps 0; longest stall per round (leader killed): ${stalls.join(', ')}`,
    });
  });

  it('quorum lost (2 of 3 down): clear errors, no hang past waitTimeout, recovery after', async () => {
    const prefix = uniquePrefix('fault-quorum');
    let app: INestApplicationContext | undefined;
    try {
      app = await bootContext({
        hosts: cluster.hosts,
        prefix,
        callTimeout: 500,
        retries: 2,
        retryDelay: 50,
      });
      const locks = app.get(LockService);
      await (await locks.acquire('job')).release();
      const down = cluster.members.slice(0, 2);
      for (const member of down) await member.crash();

      let started = performance.now();
      const failed = await locks.acquire('job').catch((e: unknown) => e);
      const failedAfter = performance.now() - started;
      expect(failed).toBeInstanceOf(LockAcquireError);

      started = performance.now();
      const timedOut = await locks
        .acquire('job', { waitTimeout: 1_000, retries: 50 })
        .catch((e: unknown) => e);
      const timedOutAfter = performance.now() - started;
      expect(timedOut).toBeInstanceOf(LockTimeoutError);
      expect(timedOutAfter).toBeLessThan(1_000 + 250);

      for (const member of down) member.spawn();
      await Promise.all(down.map((m) => m.waitHealthy(30_000)));
      const recovered = await locks.acquire('job', { waitTimeout: 30_000, retries: 20 });
      await recovered.release();
      recordFault({
        scenario: 'Quorum lost (2 of 3 down)',
        invariant:
          'LockAcquireError after retries; nothing waits past waitTimeout; recovers when members return',
        figure: `LockAcquireError after ${(failedAfter / 1000).toFixed(2)} s (callTimeout 0.5 s, retries 2); waitTimeout 1 s honoured at ${(timedOutAfter / 1000).toFixed(2)} s; recovered`,
      });
    } finally {
      await app?.close();
    }
  });
});
