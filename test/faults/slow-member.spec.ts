import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { type EtcdCluster, startEtcdCluster } from '../../tools/etcd/etcd-cluster.js';
import { findEtcd } from '../../tools/etcd/find-etcd.js';
import { now } from '../src/critical-section.recorder.js';
import { recordFault } from '../support/fault-record.js';
import { LossyProxy } from '../support/lossy-proxy.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

const DELAY_MS = 250; // each way
const p99 = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * 0.99) - 1]!;

/**
 * A member that turns slow after the client connected: still answering, so neither a timeout
 * nor a status check says anything is wrong. The client must move to a member that answers
 * faster, not keep paying the slow one's latency on every call.
 */
describe('a member that turns 250 ms slower each way after the client connected', () => {
  let cluster: EtcdCluster;
  let proxy: LossyProxy;
  beforeAll(async () => {
    cluster = await startEtcdCluster(3);
    proxy = new LossyProxy(cluster.members[0]!.endpoint);
  });
  afterAll(async () => {
    await proxy?.close();
    await cluster?.stop();
  });

  /** Acquire+release cycles for `ms`, each with when it started and how long it took. */
  async function cycles(locks: LockService, ms: number) {
    const done: { at: number; took: number }[] = [];
    for (const until = now() + ms; now() < until;) {
      const at = now();
      const lock = await locks.acquire('slow-member');
      await lock.release();
      done.push({ at, took: now() - at });
    }
    return done;
  }

  it('moves off it: acquire+release p99 within 3x the healthy p99 + 50 ms, 10 s after the slowdown', async () => {
    const slow = await proxy.listen();
    // The slow member first: every replica starts out talking to it.
    const hosts = [slow, ...cluster.hosts.slice(1)];
    const app = await bootContext({ hosts, prefix: uniquePrefix('slow') });
    const locks = app.get(LockService);
    try {
      await cycles(locks, 1_000); // warm: sessions, watches, connections
      const healthy = (await cycles(locks, 4_000)).map((c) => c.took);
      proxy.delayMs = DELAY_MS;
      const slowedAt = now();
      const after = await cycles(locks, 20_000);
      const settled = after.filter((c) => c.at >= slowedAt + 10_000).map((c) => c.took);
      const firstFast = after.find((c) => c.took < p99(healthy) * 3 + 50);
      const limit = 3 * p99(healthy) + 50;
      expect(settled.length).toBeGreaterThan(0);
      expect(p99(settled)).toBeLessThanOrEqual(limit);
      const go = etcdctlCycleMs(hosts);
      recordFault({
        scenario: 'Grey failure: member turns 250 ms slower each way (userspace proxy)',
        invariant:
          'acquire+release p99 within 3x the healthy p99 + 50 ms, from 10 s after the slowdown',
        figure:
          `healthy p99 ${p99(healthy).toFixed(1)} ms over ${healthy.length} cycles; from 10 s ` +
          `after the slowdown p99 ${p99(settled).toFixed(1)} ms over ${settled.length} cycles ` +
          `(limit ${limit.toFixed(1)} ms); back under the limit ` +
          `${(((firstFast?.at ?? NaN) - slowedAt) / 1000).toFixed(2)} s after the slowdown; ` +
          `etcdctl lock with the same endpoints: ${go} per lock+unlock`,
      });
    } finally {
      await app.close();
    }
  });
});

/** What `etcdctl lock` (the Go client) takes for one lock and unlock through these endpoints. */
function etcdctlCycleMs(hosts: string[]): string {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const at = now();
    execFileSync(
      findEtcd().etcdctl!,
      ['--endpoints', hosts.join(','), 'lock', uniquePrefix('go'), 'true'],
      {
        env: { ...process.env, ETCDCTL_API: '3' },
        stdio: 'ignore',
        timeout: 30_000,
      },
    );
    runs.push(now() - at);
  }
  runs.sort((a, b) => a - b);
  return `median ${runs[2]!.toFixed(0)} ms over 5 runs (a new process and connection each)`;
}
