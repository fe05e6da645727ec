import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, LockService } from '../lib/index.js';

/** Takes one lock with TTL seconds, prints `held`, and keeps it until the process is killed. */
async function main(): Promise<void> {
  const { HOSTS, PREFIX, KEY, TTL } = process.env;
  @Module({
    imports: [EtcdLockModule.forRoot({ hosts: HOSTS!, prefix: PREFIX!, ttl: Number(TTL) })],
  })
  class HolderModule {}
  const app = await NestFactory.createApplicationContext(HolderModule, { logger: false });
  await app.get(LockService).acquire(KEY!);
  process.stdout.write('held\n');
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
