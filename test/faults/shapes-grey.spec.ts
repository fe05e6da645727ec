import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcquireOptions, LockService } from '../../lib/index.js';
import { type EtcdCluster, moveLeader, startEtcdCluster } from '../../tools/etcd/etcd-cluster.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

/** Handoff through a frozen member: heartbeat (0.5 s) + one call timeout (1 s) + slack. */
const HANDOFF_LIMIT_MS = 3_000;

describe('a semaphore or read waiter whose etcd member goes silent', () => {
  let cluster: EtcdCluster;
  const apps: INestApplicationContext[] = [];
  beforeAll(async () => {
    cluster = await startEtcdCluster(3);
  });
  afterAll(async () => {
    for (const member of cluster.members) member.signal('SIGCONT');
    await Promise.all(apps.map((app) => app.close()));
    await cluster?.stop();
  });

  /**
   * The waiter talks first to a follower that freezes while it waits; the holder never talks
   * to it. The holder then frees the waiter's turn: the waiter must notice through another
   * member, while its own is still frozen.
   */
  async function handoffWhileFrozen(
    label: string,
    held: AcquireOptions[],
    wanted: AcquireOptions,
  ): Promise<number> {
    const leader = await cluster.leader();
    const silent = cluster.members.find((m) => m !== leader)!;
    if ((await cluster.leader()) === silent) await moveLeader(cluster.members, leader);
    const prefix = uniquePrefix(`grey-${label}`);
    const others = cluster.hosts.filter((h) => h !== silent.endpoint);
    const waiterApp = await bootContext({ hosts: [silent.endpoint, ...others], prefix });
    const holderApp = await bootContext({ hosts: others, prefix });
    apps.push(waiterApp, holderApp);
    const holder = holderApp.get(LockService);
    const holds = await Promise.all(held.map((options) => holder.acquire('shared', options)));
    const queued = new Promise<void>((resolve) => {
      const sub = waiterApp.get(LockService).events$.subscribe((e) => {
        if (e.kind === 'lock.queued') resolve(sub.unsubscribe());
      });
    });
    const waiting = waiterApp
      .get(LockService)
      .acquire('shared', { ...wanted, waitTimeout: 30_000, ttl: 10 });
    await queued;

    silent.signal('SIGSTOP');
    const releasedAt = performance.now();
    await holds[0]!.release();
    const lock = await waiting; // still frozen: a waiter stuck on its member would hang here
    const handoffMs = performance.now() - releasedAt;
    silent.signal('SIGCONT');
    expect(lock.held).toBe(true);
    await Promise.all([lock.release(), ...holds.slice(1).map((h) => h.release())]);
    return handoffMs;
  }

  it('a semaphore waiter gets the permit a holder gave back, through another member', async () => {
    const semaphore = { permits: 2 };
    const ms = await handoffWhileFrozen('semaphore', [semaphore, semaphore], semaphore);
    expect(ms).toBeLessThanOrEqual(HANDOFF_LIMIT_MS);
    recordFault({
      scenario: 'Semaphore waiter, its member frozen',
      invariant: `gets a freed permit through another member within ${HANDOFF_LIMIT_MS / 1000} s`,
      figure: `handoff ${(ms / 1000).toFixed(2)} s after the release`,
    });
  });

  it('a reader queued behind a writer gets in once the writer leaves, through another member', async () => {
    const ms = await handoffWhileFrozen('reader', [{}], { mode: 'read' });
    expect(ms).toBeLessThanOrEqual(HANDOFF_LIMIT_MS);
    recordFault({
      scenario: 'Read waiter, its member frozen',
      invariant: `reads once the writer leaves, through another member, within ${HANDOFF_LIMIT_MS / 1000} s`,
      figure: `handoff ${(ms / 1000).toFixed(2)} s after the release`,
    });
  });
});
