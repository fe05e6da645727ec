import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';
import type { CronRun } from '../src/cron-jobs.service.js';

const JOBS = ['cron-above', 'lock-above'];
const TICKS = 6;

describe('@Cron + @WithLock(skip, holdAtLeast) across three replicas', () => {
  it('runs every tick of each job exactly once, with the decorators in either order', async () => {
    const env = {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: uniquePrefix('cron'),
      HOLD_AT_LEAST: '500',
    };
    const replicas = await Promise.all(
      [1, 2, 3].map(() => JsonLineWorker.start(env, 'cron-worker')),
    );
    const allReady = Math.floor(Date.now() / 1000);
    const runs: CronRun[] = [];
    try {
      // Read every replica's runs until each job has run TICKS whole seconds after all were up;
      // then close stdin, and each replica shuts down (its stream ends).
      const lastTick = allReady + TICKS;
      const done = () => JOBS.every((job) => runs.some((r) => r.job === job && r.tick > lastTick));
      const stopAll = () => replicas.forEach((r) => r.child.stdin!.end());
      await Promise.all(
        replicas.map(async (replica) => {
          for (;;) {
            const run = await replica.next<CronRun>().catch(() => undefined);
            if (!run) return;
            runs.push(run);
            if (done()) stopAll();
          }
        }),
      );
      const exits = replicas.map((r) => (r.child.exitCode === null ? once(r.child, 'exit') : 0));
      await Promise.all(exits);
      for (const job of JOBS) {
        const ticks = runs.filter((r) => r.job === job).map((r) => r.tick);
        const counts = new Map<number, number>();
        for (const tick of ticks) counts.set(tick, (counts.get(tick) ?? 0) + 1);
        expect(
          [...counts].filter(([, n]) => n > 1),
          `${job}: ticks run twice`,
        ).toEqual([]);
        for (let tick = allReady + 1; tick <= lastTick; tick++) {
          expect(counts.get(tick), `${job}: tick ${tick}`).toBe(1);
        }
      }
    } finally {
      for (const replica of replicas) replica.dispose();
    }
  });
});
