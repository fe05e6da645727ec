import 'reflect-metadata';
import { Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, LockService, WithLock } from '../../lib/index.js';
import type { Contender } from './contender.js';

@Injectable()
class DecoratedJob {
  @WithLock((key: string) => key, { waitTimeout: Infinity })
  async run(_key: string, section: () => Promise<void>): Promise<void> {
    await section();
  }
}

/**
 * One app per contender, each on a prefix of its own: apps sharing a prefix in one process
 * would each receive every other app's deletes on their watch, a cost no real process pays.
 */
async function boot(
  hosts: string,
  prefix: string,
  groupCommit = true,
): Promise<INestApplicationContext> {
  @Module({
    imports: [EtcdLockModule.forRoot({ hosts, prefix, groupCommit })],
    providers: [DecoratedJob],
  })
  class BenchModule {}
  return NestFactory.createApplicationContext(BenchModule, { logger: false });
}

/** `LockService.acquire` + `release`; with group commit unless `groupCommit` is false. */
export async function oursService(hosts: string, groupCommit = true): Promise<Contender> {
  const app = await boot(hosts, groupCommit ? 'bench-ours/' : 'bench-ours-unbatched/', groupCommit);
  const locks = app.get(LockService);
  return {
    name: groupCommit
      ? 'ours: LockService acquire/release'
      : 'ours, group commit off: LockService acquire/release',
    batches: () => locks.stats().batches,
    async run(key, section, signal) {
      const lock = await locks.acquire(key, { waitTimeout: Infinity, signal });
      try {
        await section();
      } finally {
        await lock.release();
      }
    },
    close: () => app.close(),
  };
}

/** `LockService.withLock` around an empty function. */
export async function oursWithLock(hosts: string): Promise<Contender> {
  const app = await boot(hosts, 'bench-ours-withlock/');
  const locks = app.get(LockService);
  return {
    name: 'ours: LockService.withLock',
    run: (key, section, signal) => locks.withLock(key, section, { waitTimeout: Infinity, signal }),
    close: () => app.close(),
  };
}

/** `@WithLock` on an empty provider method. */
export async function oursDecorator(hosts: string): Promise<Contender> {
  const app = await boot(hosts, 'bench-ours-decorator/');
  const job = app.get(DecoratedJob);
  return {
    name: 'ours: @WithLock method',
    run: (key, section) => job.run(key, section),
    close: () => app.close(),
  };
}
