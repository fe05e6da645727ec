import 'reflect-metadata';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, LockService, type AcquireOptions } from '../../lib/index.js';
import type { Contender } from './contender.js';

/** The lock shapes through `LockService.acquire`, each on a key of its own. */
export async function oursShape(
  hosts: string,
  shape: 'multi' | 'semaphore' | 'read',
): Promise<Contender> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    EtcdLockModule.forRoot({ hosts, prefix: `bench-${shape}/` }),
    { logger: false },
  );
  const locks = app.get(LockService);
  const options: AcquireOptions =
    shape === 'semaphore' ? { permits: 3 } : shape === 'read' ? { mode: 'read' } : {};
  const names = (key: string) => (shape === 'multi' ? [`${key}:a`, `${key}:b`, `${key}:c`] : [key]);
  const label = {
    multi: 'ours: 3 names in one lock',
    semaphore: 'ours: semaphore, 3 permits',
    read: "ours: mode 'read'",
  }[shape];
  return {
    name: label,
    async run(key, section, signal) {
      const lock = await locks.acquire(names(key), { ...options, waitTimeout: Infinity, signal });
      try {
        await section();
      } finally {
        await lock.release();
      }
    },
    close: () => app.close(),
  };
}
