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
    await sleep(15); // the work takes a while, so a second leader would overlap
    return { enter, exit: now(), term, pid: process.pid };
  }
}

/**
 * A replica whose timer calls an `@OnlyLeader` job every 25 ms, as `@Cron` would. Prints one
 * JSON line per run as it ends (so the runs of a killed replica are kept), and stops on `stop`.
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
  while (!stop.signal.aborted) {
    const section = await job.tick().catch((error: Error) => ({ error: error.name }));
    if (section) print(section);
    await sleep(25);
  }
  input.close();
  process.stdin.destroy();
  await app.close();
  print({ stopped: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
