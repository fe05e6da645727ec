import { Injectable, Module, Scope } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EtcdLockModule, LeaderService, LockService, OnlyLeader } from '../../lib/index.js';
import { EtcdLockTestingModule, InMemoryLockBackend } from '../../lib/testing/index.js';
import { BACKENDS, etcdHosts, uniquePrefix } from '../support/lock-app.js';

@Injectable()
class ReportsJob {
  constructor(private readonly locks: LockService) {}

  /** What a `@Cron` tick would call on every replica. */
  @OnlyLeader('reports')
  async generate(): Promise<{ aborted: boolean } | undefined> {
    return { aborted: this.locks.current('reports')?.signal.aborted ?? true };
  }
}

/** Request-scoped: Nest makes an instance per request, none at bootstrap. */
@Injectable({ scope: Scope.REQUEST })
class PerRequestJob {
  @OnlyLeader('per-request')
  async run(): Promise<string | undefined> {
    return 'ran';
  }
}

describe.each(BACKENDS)('@OnlyLeader (%s backend)', (kind) => {
  const prefix = uniquePrefix('only-leader');
  const store = kind === 'memory' ? new InMemoryLockBackend(prefix) : undefined;
  const apps: INestApplicationContext[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  async function replica(): Promise<INestApplicationContext> {
    const locks = store
      ? EtcdLockTestingModule.forRoot({ prefix, backend: store })
      : EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix });
    @Module({ imports: [locks], providers: [ReportsJob, PerRequestJob] })
    class ReportsModule {}
    const app = await NestFactory.createApplicationContext(ReportsModule, { logger: false });
    apps.push(app);
    return app;
  }

  /** Resolves with the replica that leads, now or once it announces it. */
  const elected = (replicas: INestApplicationContext[]) =>
    Promise.race(
      replicas.map((app) => {
        // Resolves `undefined` instead of rejecting when the app closes first.
        const announced = firstValueFrom(
          app
            .get(LockService)
            .events$.pipe(filter((e) => e.kind === 'leader.elected' && e.key === 'reports')),
          { defaultValue: undefined },
        );
        if (app.get(LeaderService).isLeader('reports')) return app;
        return announced.then((event) => (event ? app : new Promise<never>(() => {})));
      }),
    );

  it('campaigns at bootstrap; exactly one replica runs the method, in its leadership context', async () => {
    const first = await replica();
    await elected([first]); // it campaigned alone, so it leads
    const replicas = [first, await replica(), await replica()];
    const results = await Promise.all(replicas.map((app) => app.get(ReportsJob).generate()));
    expect(results.filter((r) => r !== undefined)).toEqual([{ aborted: false }]);
    expect(replicas.filter((app) => app.get(LeaderService).isLeader('reports'))).toHaveLength(1);
  });

  it('hands over to another replica when the leader shuts down, with a higher term', async () => {
    const live = apps.filter((app) => app.get(LeaderService).isLeader('reports'));
    const [leaderApp] = live;
    const before = (await leaderApp!.get(LeaderService).leader('reports'))!.term;
    const others = apps.filter((app) => app !== leaderApp);
    const next = elected(others);
    await leaderApp!.close();
    apps.splice(apps.indexOf(leaderApp!), 1);
    const nextApp = await next;
    const leader = await nextApp.get(LeaderService).leader('reports');
    expect(leader!.term > before).toBe(true);
    const results = await Promise.all(apps.map((app) => app.get(ReportsJob).generate()));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('campaigns for a request-scoped provider too, and runs its method on the leader', async () => {
    const leading = () => apps.filter((a) => a.get(LeaderService).isLeader('per-request'));
    // The earlier test closed the first leader: the election may still be handing over.
    await expect.poll(() => leading().length).toBe(1);
    const results = await Promise.all(
      apps.map(async (a) => (await a.resolve(PerRequestJob)).run()),
    );
    expect(results.filter((r) => r === 'ran')).toHaveLength(1);
  });
});
