import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockDashboardModule, EtcdLockModule, LockService } from '../../lib/index.js';
import { bootReplica } from '../replica.js';
import { summarize, type Summary } from '../stats.js';

export interface ViewersPoint {
  viewers: number;
  /** The serving app's own acquire+release of a free key, while the viewers watch. */
  cycle: Summary;
  /** Bytes of lock lists sent to all viewers, per acquire+release. */
  bytesPerCycle: number;
}

/** Locks another replica holds, so each list a viewer gets is a real page's worth. */
const HELD = 300;
const CYCLES = 200;

/**
 * An app serving the dashboard to `viewers` open pages (server-sent event streams, read in a
 * worker thread) while it takes and releases a lock of its own: its changes are new lists and
 * events for every viewer.
 */
export async function dashboardViewers(hosts: string, counts: number[]): Promise<ViewersPoint[]> {
  const prefix = `bench-viewers-${Date.now()}/`;
  @Module({
    imports: [
      EtcdLockModule.forRoot({ hosts, prefix }),
      EtcdLockDashboardModule.forRoot() as DynamicModule,
    ],
  })
  class ServingApp {}
  const app: INestApplication = await NestFactory.create(ServingApp, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const other = await bootReplica(hosts, prefix);
  const held = await Promise.all(
    Array.from({ length: HELD }, (_, i) => other.locks.acquire(`held-${i}`)),
  );
  const locks = app.get(LockService);
  const points: ViewersPoint[] = [];
  try {
    for (const viewers of counts) {
      const pages = await openPages(port, viewers);
      const bytesBefore = await pages.bytes();
      await (await locks.acquire('warm-up')).release();
      const cycles: number[] = [];
      for (let i = 0; i < CYCLES; i++) {
        const started = performance.now();
        await (await locks.acquire('probe')).release();
        cycles.push(performance.now() - started);
      }
      const bytes = (await pages.bytes()) - bytesBefore;
      await pages.close();
      points.push({ viewers, cycle: summarize(cycles), bytesPerCycle: bytes / CYCLES });
    }
    return points;
  } finally {
    await Promise.all(held.map((lock) => lock.release()));
    await other.close();
    await app.close();
  }
}

/** `count` open pages in a worker thread (see viewers.worker.ts). */
async function openPages(port: number, count: number) {
  const worker = new Worker(new URL('../viewers.worker.js', import.meta.url), {
    workerData: { port, path: '/locks/stream', count },
  });
  const next = () =>
    new Promise<{ open?: true; bytes?: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await next();
  return {
    bytes: async () => (worker.postMessage('bytes'), (await next()).bytes!),
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
