import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, LockService } from 'nestjs-etcd-lock';

/**
 * Prints, as JSON, the stack of a lock error and the shutdown warning for a lock never
 * released: run with --enable-source-maps, both must name .ts files.
 */
async function main(): Promise<void> {
  const warnings: string[] = [];
  const quiet = () => undefined;
  const logger = {
    log: quiet,
    error: quiet,
    debug: quiet,
    verbose: quiet,
    warn: (m: unknown) => warnings.push(String(m)),
  };
  @Module({
    imports: [
      EtcdLockModule.forRoot({ hosts: process.env.ETCD_HOSTS, prefix: process.env.LOCK_PREFIX }),
    ],
  })
  class StackModule {}
  const app = await NestFactory.createApplicationContext(StackModule, { logger });
  const locks = app.get(LockService);
  await locks.acquire('never-released');
  const stack = await locks.acquire('never-released', { waitTimeout: 0 }).then(
    () => 'acquired twice',
    (error: Error) => error.stack ?? '',
  );
  await app.close();
  const warning = warnings.find((line) => line.includes('never released')) ?? '';
  console.log(JSON.stringify({ stack, warning }));
}

void main();
