import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Etcd3 } from 'etcd3';
import { EtcdLockModule, type Lock, LockService } from '../../lib/index.js';

export interface ManyKeysResult {
  held: number;
  acquiresPerSecond: number;
  keysCreated: number;
  leasesCreated: number;
  heapBytesPerLock: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Workload 3: `count` distinct keys held at once by one process. Needs `node --expose-gc`. */
export async function manyKeys(hosts: string, count: number): Promise<ManyKeysResult> {
  const prefix = `bench-many-${count}/`;
  @Module({ imports: [EtcdLockModule.forRoot({ hosts, prefix })] })
  class ManyKeysModule {}
  const app = await NestFactory.createApplicationContext(ManyKeysModule, { logger: false });
  const locks = app.get(LockService);
  const inspector = new Etcd3({ hosts });
  const leases = async () => ((await inspector.leaseClient.leaseLeases()).leases ?? []).length;
  try {
    const leasesBefore = await leases();
    // Opens the session and warms up the client, so the heap figure is what the held locks cost.
    for (let i = 0; i < 1000; i += 100) {
      const warm = await Promise.all(
        Array.from({ length: 100 }, (_, j) => locks.acquire(`warm-${i + j}`)),
      );
      await Promise.all(warm.map((l) => l.release()));
    }
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const held: Lock[] = [];
    const batch = 500; // bounded concurrency, as a real caller would have
    for (let i = 0; i < count; i += batch) {
      const size = Math.min(batch, count - i);
      held.push(
        ...(await Promise.all(
          Array.from({ length: size }, (_, j) => locks.acquire(`key-${i + j}`)),
        )),
      );
    }
    const elapsed = performance.now() - started;
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const keysCreated = await inspector.getAll().prefix(prefix).count();
    const leasesCreated = (await leases()) - leasesBefore;
    await Promise.all(held.map((l) => l.release()));
    return {
      held: held.length,
      acquiresPerSecond: count / (elapsed / 1000),
      keysCreated,
      leasesCreated,
      heapBytesPerLock: (heapAfter - heapBefore) / count,
    };
  } finally {
    inspector.close();
    await app.close();
  }
}
