import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EtcdLockModule,
  type EtcdLockModuleOptions,
  LOCK_EXCEPTION_FILTER_OPTIONS,
  LockService,
} from '../../lib/index.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';
import { SeatsController } from '../src/seats.controller.js';

type Adapter = 'express' | 'fastify';

async function bootSeats(
  adapter: Adapter,
  lockOptions: EtcdLockModuleOptions,
  filterOptions?: object,
): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [EtcdLockModule.forRoot({ hosts: etcdHosts(), ...lockOptions })],
    controllers: [SeatsController],
    providers: filterOptions
      ? [{ provide: LOCK_EXCEPTION_FILTER_OPTIONS, useValue: filterOptions }]
      : [],
  })
  class SeatsModule {}
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(SeatsModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(SeatsModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

describe.each<Adapter>(['express', 'fastify'])('LockExceptionFilter on %s', (adapter) => {
  let http: { app: INestApplication; url: string };
  let locks: LockService;
  beforeAll(async () => {
    http = await bootSeats(adapter, { prefix: uniquePrefix(`http-map-${adapter}`) });
    locks = http.app.get(LockService);
  });
  afterAll(() => http.app.close());

  it('answers 423 Locked with Retry-After and a JSON body while the lock is held', async () => {
    const held = await locks.acquire('seat:7');
    const busy = await fetch(`${http.url}/seats/7`, { method: 'POST' });
    expect(busy.status).toBe(423);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.json()).toMatchObject({ statusCode: 423, error: 'Locked', lock: 'seat:7' });
    await held.release();
    const free = await fetch(`${http.url}/seats/7`, { method: 'POST' });
    expect(free.status).toBe(201);
    expect(await free.json()).toEqual({ reserved: '7' });
  });

  it('lets an HttpException from the locked handler keep its status', async () => {
    const res = await fetch(`${http.url}/seats/8/taken`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ message: 'seat 8 is taken' });
  });
});

describe('LockExceptionFilter options', () => {
  it('uses a configured status and Retry-After, and maps an unreachable etcd to 503', async () => {
    const prefix = uniquePrefix('http-map-options');
    const http = await bootSeats('express', { prefix }, { lockedStatus: 409, retryAfter: 5 });
    const held = await http.app.get(LockService).acquire('seat:1');
    const busy = await fetch(`${http.url}/seats/1`, { method: 'POST' });
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('5');
    await held.release();
    await http.app.close();

    const down = await bootSeats('express', {
      prefix,
      hosts: '127.0.0.1:1', // nothing listens there
      callTimeout: 200,
      retries: 0,
    });
    const res = await fetch(`${down.url}/seats/1`, { method: 'POST' });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { message: string };
    expect(body).toMatchObject({ error: 'Service Unavailable', lock: 'seat:1' });
    // What etcd said (and where it is) goes to the log, not to the client.
    expect(body.message).toBe('Lock "seat:1" is unavailable; try again later');
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|etcd/);
    await down.app.close();
  });
});
