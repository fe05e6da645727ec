import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { EtcdLockModule } from '../../lib/index.js';
import { CronJobsService } from './cron-jobs.service.js';

/** One replica running the cron jobs. Prints `{"ready":true}`, one line per run, stops on stdin EOF. */
async function main(): Promise<void> {
  @Module({
    imports: [
      ScheduleModule.forRoot(),
      EtcdLockModule.forRoot({
        hosts: process.env.ETCD_HOSTS?.split(','),
        prefix: process.env.LOCK_PREFIX,
      }),
    ],
    providers: [CronJobsService],
  })
  class CronAppModule {}
  const app = await NestFactory.createApplicationContext(CronAppModule, { logger: false });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await new Promise<void>((resolve) =>
    createInterface({ input: process.stdin }).once('close', resolve),
  );
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
