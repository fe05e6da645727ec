import 'reflect-metadata';
import { get, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
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
 * An app serving the dashboard to `viewers` open pages (server-sent event streams) while it
 * takes and releases a lock of its own: each of its changes is a new list for every viewer.
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
      const streams = await Promise.all(Array.from({ length: viewers }, () => openStream(port)));
      const bytesBefore = streams.reduce((sum, s) => sum + s.bytes, 0);
      await (await locks.acquire('warm-up')).release();
      const cycles: number[] = [];
      for (let i = 0; i < CYCLES; i++) {
        const started = performance.now();
        await (await locks.acquire('probe')).release();
        cycles.push(performance.now() - started);
      }
      const bytes = streams.reduce((sum, s) => sum + s.bytes, 0) - bytesBefore;
      streams.forEach((s) => s.close());
      points.push({ viewers, cycle: summarize(cycles), bytesPerCycle: bytes / CYCLES });
    }
    return points;
  } finally {
    await Promise.all(held.map((lock) => lock.release()));
    await other.close();
    await app.close();
  }
}

/** One open page's event stream: resolves once the first list arrived. */
function openStream(port: number): Promise<{ bytes: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const request = get(
      { host: '127.0.0.1', port, path: '/locks/stream' },
      (res: IncomingMessage) => {
        const stream = { bytes: 0, close: () => request.destroy() };
        let first = true;
        res.on('data', (chunk: Buffer) => {
          stream.bytes += chunk.length;
          if (!first || !chunk.includes('event: locks')) return;
          first = false;
          resolve(stream);
        });
        res.on('error', () => undefined);
      },
    );
    request.on('error', (error) =>
      error.message === 'socket hang up' ? undefined : reject(error),
    );
  });
}
