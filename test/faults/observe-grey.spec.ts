import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeaderInfo, LeaderService } from '../../lib/index.js';
import { type EtcdCluster, moveLeader, startEtcdCluster } from '../../tools/etcd/etcd-cluster.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

describe('an observer whose etcd member goes silent', () => {
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

  it('sees the next leader through another member while its own is frozen', async () => {
    const [leader, follower, other] = [await cluster.leader(), ...cluster.members];
    const silent = follower === leader ? other! : follower!;
    if ((await cluster.leader()) === silent) await moveLeader(cluster.members, leader);
    const prefix = uniquePrefix('observe-grey');
    // The observer talks to the member that will freeze; the candidate never does.
    const observerHosts = [silent.endpoint, ...cluster.hosts.filter((h) => h !== silent.endpoint)];
    const candidateHosts = cluster.hosts.filter((h) => h !== silent.endpoint);
    const observer = await bootContext({ hosts: observerHosts, prefix });
    const candidate = await bootContext({ hosts: candidateHosts, prefix });
    apps.push(observer, candidate);
    const leaders = observer.get(LeaderService).observe('reports');
    const seen = (value: string) => firstValueFrom(leaders.pipe(filter((l) => l?.value === value)));
    const first = seen('one');
    const leadership = await candidate.get(LeaderService).campaign('reports', { value: 'one' });
    await first;

    silent.signal('SIGSTOP');
    const proclaimedAt = performance.now();
    const second = seen('two');
    await leadership.proclaim('two');
    // Still frozen: an observer stuck on its member would wait here until the thaw.
    await expect(second).resolves.toMatchObject({ value: 'two', term: leadership.term });
    const seenAfterMs = performance.now() - proclaimedAt;
    silent.signal('SIGCONT');
    await leadership.resign();
    recordFault({
      scenario: 'Election observer, its member frozen',
      invariant:
        'observe() reports a change made while its member is silent, through another member',
      figure: `new proposal seen ${(seenAfterMs / 1000).toFixed(2)} s after it was made`,
    });
  });

  it('converges on the real leader when leaders change while its watch is broken (etcd #18163)', async () => {
    const leader = await cluster.leader();
    const silent = cluster.members.find((m) => m !== leader)!;
    const prefix = uniquePrefix('observe-converge');
    const observerHosts = [silent.endpoint, ...cluster.hosts.filter((h) => h !== silent.endpoint)];
    const healthy = cluster.hosts.filter((h) => h !== silent.endpoint);
    const observer = await bootContext({ hosts: observerHosts, prefix });
    const [c1, c2] = [
      await bootContext({ hosts: healthy, prefix }),
      await bootContext({ hosts: healthy, prefix }),
    ];
    apps.push(observer, c1, c2);
    const emitted: (LeaderInfo | undefined)[] = [];
    const subscription = observer
      .get(LeaderService)
      .observe('jobs')
      .subscribe((l) => emitted.push(l));
    const one = await c1.get(LeaderService).campaign('jobs', { value: 'one' });
    await expect.poll(() => emitted.at(-1)?.value).toBe('one');

    silent.signal('SIGSTOP');
    const changedAt = performance.now();
    const twoNext = c2.get(LeaderService).campaign('jobs', { value: 'two' });
    await one.resign();
    const two = await twoNext;
    const threeNext = c1.get(LeaderService).campaign('jobs', { value: 'three' });
    await two.resign();
    const three = await threeNext;
    const real = { value: 'three', term: three.term };
    // Still frozen: the observer must get there through another member, and stay there.
    await expect.poll(() => emitted.at(-1), { timeout: 10_000 }).toEqual(real);
    const convergedMs = performance.now() - changedAt;
    silent.signal('SIGCONT');
    await expect(observer.get(LeaderService).leader('jobs')).resolves.toEqual(real);
    expect(emitted.at(-1)).toEqual(real);
    // Terms never go back: no stale leader reported after a newer one.
    const terms = emitted.flatMap((l) => (l ? [l.term] : []));
    expect(terms.every((t, i) => i === 0 || t >= terms[i - 1]!)).toBe(true);
    subscription.unsubscribe();
    await three.resign();
    recordFault({
      scenario: 'Election observer, leaders change while its member is frozen (etcd #18163)',
      invariant:
        'observe() converges on the real leader through another member; terms never go back',
      figure: `two leader changes while frozen; converged ${(convergedMs / 1000).toFixed(2)} s after the first change; ${emitted.length} emissions, no stale leader`,
    });
  });
});
