import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderService } from '../../lib/index.js';
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
});
