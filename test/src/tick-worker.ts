import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cron, ScheduleModule } from '@nestjs/schedule';
import { EtcdLockModule, OncePerTick } from '../../lib/index.js';

const RUN_MS = Number(process.env.RUN_MS ?? 3_000);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

@Injectable()
class LongJob {
  @Cron('* * * * * *')
  @OncePerTick('long-job')
  async run(): Promise<void> {
    say({ started: Date.now(), pid: process.pid });
    await sleep(RUN_MS);
  }
}

/** One replica of a job that runs 3 s every second. Prints `{"ready":true}`, then each start. */
async function main(): Promise<void> {
  @Module({
    imports: [
      ScheduleModule.forRoot(),
      EtcdLockModule.forRoot({
        hosts: process.env.ETCD_HOSTS?.split(','),
        prefix: process.env.LOCK_PREFIX,
        ttl: Number(process.env.LOCK_TTL ?? 10),
      }),
    ],
    providers: [LongJob],
  })
  class TickAppModule {}
  const app = await NestFactory.createApplicationContext(TickAppModule, { logger: false });
  say({ ready: true });
  await new Promise<void>((resolve) =>
    createInterface({ input: process.stdin }).once('close', resolve),
  );
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
