import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as outage } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { Etcd3 } from 'etcd3';
import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { LeaderService, LockLostError, LockService } from '../../lib/index.js';
import { OnlyLeaderCampaigns } from '../../lib/election/only-leader.campaigns.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, keysUnder, uniquePrefix } from '../support/lock-app.js';

describe('single-node etcd killed (-9) and restarted on the same data dir', () => {
  let etcd: EtcdInstance;
  let apps: INestApplicationContext[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
    await etcd.stop();
  });

  async function setup(ttl: number) {
    etcd = await startEtcd();
    const prefix = uniquePrefix('fault-restart');
    const options = {
      hosts: etcd.endpoint,
      prefix,
      ttl,
      callTimeout: 1_000,
      retries: 8,
      retryDelay: 100,
    };
    apps = [await bootContext(options), await bootContext(options)];
    const [holder, waiter] = apps.map((a) => a.get(LockService));
    const inspect = new Etcd3({ hosts: etcd.endpoint });
    const held = await holder!.acquire('job');
    const waiting = waiter!.acquire('job', { waitTimeout: 60_000 });
    await expect.poll(() => keysUnder(inspect, `${prefix}job/`).then((k) => k.length)).toBe(2);
    inspect.close();
    return { prefix, held, waiting };
  }

  it('an outage shorter than the TTL: held locks survive and waiters proceed', async () => {
    const { prefix, held, waiting } = await setup(10);
    await etcd.member.crash();
    await outage(2_000);
    await etcd.member.start();
    const restartedAt = performance.now();

    expect(held.signal.aborted).toBe(false);
    const fenced = await held
      .ifHeld()
      .then(new Etcd3({ hosts: etcd.endpoint }).put(`${prefix}r`).value('1'))
      .commit();
    expect(fenced.succeeded).toBe(true);
    await held.release();
    const next = await waiting;
    const resumeMs = performance.now() - restartedAt;
    expect(next.fencingToken > held.fencingToken).toBe(true);
    await next.release();
    recordFault({
      scenario: 'etcd restarted, outage < ttl',
      invariant: 'held lock survives (fenced write succeeds); the waiter proceeds after release',
      figure: `2 s outage, ttl 10 s: lock kept; waiter acquired ${(resumeMs / 1000).toFixed(2)} s after etcd was back`,
    });
  });

  it('an outage longer than the TTL: locks are reported lost, not silently kept', async () => {
    const { held, waiting } = await setup(2);
    await etcd.member.crash();
    const crashedAt = performance.now();
    await once(held.signal, 'abort');
    const lostAfter = performance.now() - crashedAt;
    expect(held.signal.reason).toBeInstanceOf(LockLostError);
    await outage(3_000);
    await etcd.member.start();

    const next = await waiting; // its session expired too; it queued again on a new one
    await held.release(); // a lost lock's release must not remove the new holder's key
    expect(next.held).toBe(true);
    expect((await next.ifHeld().commit()).succeeded).toBe(true);
    await next.release();
    recordFault({
      scenario: 'etcd restarted, outage > ttl',
      invariant: 'held lock reported lost (LockLostError); waiter gets the lock after etcd returns',
      figure: `ttl 2 s: loss signalled ${(lostAfter / 1000).toFixed(2)} s after the crash; waiter acquired after restart`,
    });
  });
});

describe('elections across an etcd restart longer than the TTL (etcd3 #158)', () => {
  it('ends with exactly one leader, with a higher term', async () => {
    const etcd = await startEtcd();
    const options = { hosts: etcd.endpoint, prefix: uniquePrefix('fault-elect'), ttl: 2 };
    const apps = await Promise.all([1, 2, 3].map(() => bootContext(options)));
    const leaders = apps.map((app) => app.get(LeaderService));
    const elected = () =>
      Promise.race(
        apps.map((app) =>
          firstValueFrom(
            app.get(LockService).events$.pipe(filter((e) => e.kind === 'leader.elected')),
            { defaultValue: undefined }, // the apps that lose the race close without one
          ).then((event) => event ?? new Promise<never>(() => {})),
        ),
      );
    const firstElection = elected();
    for (const app of apps) app.get(OnlyLeaderCampaigns).stand('reports'); // what @OnlyLeader does
    const before = await firstElection;
    await etcd.member.crash();
    const next = elected();
    await outage(3_000);
    await etcd.member.start();
    const after = await next;
    const leading = leaders.filter((service) => service.isLeader('reports'));
    const named = await leaders[0]!.leader('reports');
    expect(leading).toHaveLength(1);
    expect(after.kind === 'leader.elected' && before.kind === 'leader.elected').toBe(true);
    const [termBefore, termAfter] = [before, after].map((e) => (e as { term: bigint }).term);
    expect(termAfter! > termBefore!).toBe(true);
    expect(named?.term).toBe(termAfter);
    await Promise.all(apps.map((app) => app.close()));
    await etcd.stop();
    recordFault({
      scenario: 'etcd restarted, outage > ttl, 3 replicas campaigning',
      invariant: 'exactly one leader afterwards, with a higher term; leader() names it',
      figure: `3 s outage, ttl 2 s: one leader (term ${termBefore} → ${termAfter})`,
    });
  });
});
