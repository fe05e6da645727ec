import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cron, ScheduleModule } from '@nestjs/schedule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdLockModule, type JobRun, JobsService, OncePerTick } from '../../lib/index.js';
import { maxOverlap } from '../support/checkers.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { bootContext, etcdHosts, uniquePrefix } from '../support/lock-app.js';

const REPLICA_INDEX = 'replica index';
const SECONDS = 10;
/** Each replica's clock is off by this much; they still agree on every tick. */
const OFFSETS = [-300, 0, 300];

interface Body {
  job: string;
  replica: number;
  enter: number;
  exit: number;
}
const bodies: Body[] = [];

@Injectable()
class TickJobs {
  constructor(@Inject(REPLICA_INDEX) private readonly replica: number) {}

  @Cron('* * * * * *')
  @OncePerTick('fast-job', { history: 50 })
  async fast(): Promise<void> {
    const enter = Date.now();
    await sleep(50);
    bodies.push({ job: 'fast-job', replica: this.replica, enter, exit: Date.now() });
  }

  @OncePerTick('slow-job', { history: 50 })
  @Cron('* * * * * *')
  async slow(): Promise<void> {
    const enter = Date.now();
    await sleep(1_500);
    bodies.push({ job: 'slow-job', replica: this.replica, enter, exit: Date.now() });
  }
}

function startReplica(index: number, prefix: string): Promise<INestApplicationContext> {
  const offset = OFFSETS[index]!;
  @Module({
    imports: [
      ScheduleModule.forRoot(),
      EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix, clock: () => Date.now() + offset }),
    ],
    providers: [TickJobs, { provide: REPLICA_INDEX, useValue: index }],
  })
  class ReplicaModule {}
  return NestFactory.createApplicationContext(ReplicaModule, { logger: false });
}

/** Every whole second in [from, to], in ms: the ticks of `* * * * * *`. */
const secondsBetween = (from: number, to: number) => {
  const ticks: number[] = [];
  for (let t = Math.ceil(from / 1000) * 1000; t <= to; t += 1000) ticks.push(t);
  return ticks;
};

describe('@OncePerTick with @Cron every second on three replicas, clocks -300/0/+300 ms', () => {
  let runs: Record<string, JobRun[]>;
  let window: number[];
  beforeAll(async () => {
    const prefix = uniquePrefix('tick');
    const apps = await Promise.all(OFFSETS.map((_, i) => startReplica(i, prefix)));
    const start = Date.now();
    await sleep(SECONDS * 1000);
    const end = Date.now();
    await Promise.all(apps.map((app) => app.close()));
    // Ticks whose claim fell wholly inside the run, with a second of margin at each end.
    window = secondsBetween(start + 1000, end - 2000);
    const reader = await startReplica(1, prefix);
    const jobs = reader.get(JobsService);
    runs = { 'fast-job': await jobs.runs('fast-job'), 'slow-job': await jobs.runs('slow-job') };
    await reader.close();
  }, 60_000);
  afterAll(() => void bodies.splice(0));

  const runsIn = (job: string) => runs[job]!.filter((r) => window.includes(r.tick));

  it('runs every tick of the fast job exactly once, on one replica, with no tick missed', () => {
    const fast = runsIn('fast-job');
    expect(window.length).toBeGreaterThanOrEqual(SECONDS - 4);
    expect(fast.map((r) => r.tick).sort()).toEqual(window);
    expect(fast.map((r) => r.outcome)).toEqual(window.map(() => 'ok'));
    const ran = bodies.filter((b) => b.job === 'fast-job');
    expect(ran.length).toBe(runs['fast-job']!.filter((r) => r.outcome === 'ok').length);
  });

  it('never overlaps two runs of the 1.5 s job, and records the ticks it overlapped as skipped', () => {
    const slow = runsIn('slow-job');
    expect(maxOverlap(bodies.filter((b) => b.job === 'slow-job'))).toBe(1);
    expect(slow.map((r) => r.tick).sort()).toEqual(window);
    const outcomes = new Set(slow.map((r) => r.outcome));
    expect([...outcomes].sort()).toEqual(['ok', 'skipped-overlap']);
    // A 1.5 s run at every other tick: the tick after each run's start is the one it overlaps.
    const afterRuns = slow
      .filter((r) => r.outcome === 'ok')
      .flatMap((run) => slow.filter((r) => r.tick === run.tick + 1000));
    expect(afterRuns.length).toBeGreaterThan(0);
    expect(afterRuns.map((r) => r.outcome)).toEqual(afterRuns.map(() => 'skipped-overlap'));
    expect(slow.every((r) => r.outcome !== 'ok' || r.durationMs! >= 1_500)).toBe(true);
  });
});

describe('@OncePerTick when the replica running a job is killed (SIGKILL) mid-run', () => {
  it('records that run as lost, and the next tick runs on another replica once the lease is gone', async () => {
    const env = { ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: uniquePrefix('tick-kill'), LOCK_TTL: '2' };
    const workers = await Promise.all([0, 1].map(() => JsonLineWorker.start(env, 'tick-worker')));
    const starts: number[][] = [[], []];
    workers.forEach(async (worker, i) => {
      for (;;) {
        const line = await worker.next<{ started: number }>().catch(() => undefined);
        if (!line) return;
        starts[i]!.push(line.started);
      }
    });
    try {
      await expect.poll(() => starts.flat().length, { timeout: 10_000 }).toBeGreaterThan(0);
      const victim = starts[0]!.length ? 0 : 1;
      const survivor = 1 - victim;
      const victimPid = workers[victim]!.child.pid;
      const killedAt = Date.now();
      workers[victim]!.kill('SIGKILL');
      await expect.poll(() => starts[survivor]!.length, { timeout: 15_000 }).toBeGreaterThan(0);
      // The job's lock stays with the dead replica's lease (ttl 2 s) until it expires.
      const servedAfterMs = starts[survivor]![0]! - killedAt;
      expect(servedAfterMs).toBeLessThan(2_000 + 2_000 + 1_000);
      const reader = await bootContext({ hosts: etcdHosts(), prefix: env.LOCK_PREFIX });
      const runs = await reader.get(JobsService).runs('long-job');
      await reader.close();
      const killed = runs.filter((r) => r.replica?.endsWith(`/${victimPid}`));
      expect(killed.map((r) => r.outcome)).toEqual(['lost']);
      expect(runs[0]!.replica).toMatch(new RegExp(`/${workers[survivor]!.child.pid}$`));
      expect(runs.some((r) => r.outcome === 'missed')).toBe(false);
    } finally {
      workers.forEach((w) => w.dispose());
    }
  });
});
