import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, LockService, OnlyLeader } from '../../lib/index.js';
import { now } from './critical-section.recorder.js';

/** One run of leader-only work: when, and under which term. */
export interface LeaderSection {
  enter: number;
  exit: number;
  term: string;
  pid: number;
}

@Injectable()
class ReportsJob {
  constructor(private readonly locks: LockService) {}

  @OnlyLeader('reports')
  async tick(): Promise<LeaderSection | undefined> {
    const enter = now();
    const term = String(this.locks.current('reports')!.fencingToken);
    await sleep(WORK_MS); // the work takes a while, so a second leader would overlap
    return { enter, exit: now(), term, pid: process.pid };
  }
}

/** How long one run works, and how often a run starts (`WORK_MS`, `PERIOD_MS`). */
const WORK_MS = Number(process.env.WORK_MS ?? 15);
const PERIOD_MS = Number(process.env.PERIOD_MS ?? 25);

/**
 * A replica whose timer calls an `@OnlyLeader` job every `PERIOD_MS`, as `@Cron` would: a run
 * longer than the period overlaps the next one on the same replica. Prints one JSON line per
 * run as it ends (so the runs of a killed replica are kept). On `stop` it starts no more runs
 * and closes the app while runs are still going, as a rolling deploy's SIGTERM would.
 */
async function main(): Promise<void> {
  const { ETCD_HOSTS, LOCK_PREFIX, TTL } = process.env;
  @Module({
    imports: [
      EtcdLockModule.forRoot({ hosts: ETCD_HOSTS, prefix: LOCK_PREFIX, ttl: Number(TTL ?? 2) }),
    ],
    providers: [ReportsJob],
  })
  class LeaderWorkerModule {}
  const app = await NestFactory.createApplicationContext(LeaderWorkerModule, { logger: false });
  const job = app.get(ReportsJob);
  const print = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  print({ ready: true, pid: process.pid });
  const stop = new AbortController();
  const input = createInterface({ input: process.stdin });
  input.once('line', () => stop.abort());
  const going = new Set<Promise<void>>();
  while (!stop.signal.aborted) {
    const run = job
      .tick()
      .then((section) => void (section && print(section)))
      .catch((error: Error) => void print({ error: error.name }))
      .finally(() => going.delete(run));
    going.add(run);
    if (WORK_MS <= PERIOD_MS) await run; // one at a time, as before
    await sleep(PERIOD_MS);
  }
  input.close();
  process.stdin.destroy();
  await app.close();
  await Promise.all(going);
  print({ stopped: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
