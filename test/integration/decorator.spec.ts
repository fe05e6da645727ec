import { Injectable, RequestMethod, SetMetadata } from '@nestjs/common';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LockModuleMissingError,
  LockService,
  LockTimeoutError,
  WithLock,
} from '../../lib/index.js';
import { BACKENDS, replicaSet, uniquePrefix } from '../support/lock-app.js';
import { CounterStore } from '../src/counter.store.js';
import { CriticalSectionRecorder } from '../src/critical-section.recorder.js';
import { LedgerService } from '../src/ledger.service.js';
import { StockController } from '../src/stock.controller.js';

describe.each(BACKENDS)('@WithLock on a provider method (%s backend)', (kind) => {
  let app: INestApplicationContext;
  let ledger: LedgerService;
  let locks: LockService;
  const replicas = replicaSet(kind, { prefix: uniquePrefix('decorator') });

  beforeAll(async () => {
    app = await replicas.context();
    ledger = app.get(LedgerService);
    locks = app.get(LockService);
  });
  afterAll(() => app.close());

  it('holds the lock while the method runs and records a fencing token', async () => {
    await ledger.incrementDecorated('solo');
    const [section] = app.get(CriticalSectionRecorder).sections;
    expect(BigInt(section!.fencingToken)).toBeGreaterThan(0n);
  });

  it('lets a decorated method call another on the same key (reentrancy)', async () => {
    await expect(ledger.outer()).resolves.toBe('outer(inner:same-lock)');
  });

  it("'skip' returns undefined without running while the lock is held elsewhere", async () => {
    const held = await locks.acquire('nightly-job');
    // Another application instance: a separate session, like another replica.
    const other = await replicas.context();
    await expect(other.get(LedgerService).nightlyJob()).resolves.toBeUndefined();
    await held.release();
    await expect(other.get(LedgerService).nightlyJob()).resolves.toBe('ran');
    await other.close();
  });

  it("'throw' rejects with LockTimeoutError at once while the lock is held", async () => {
    const other = await replicas.context();
    const held = await other.get(LockService).acquire('strict');
    await expect(ledger.strict()).rejects.toBeInstanceOf(LockTimeoutError);
    await held.release();
    await expect(ledger.strict()).resolves.toBe('ran');
    await other.close();
  });

  it('computes the key from the arguments with `this` bound', async () => {
    await expect(ledger.keyed('x', 2)).resolves.toBe('LedgerService:x:2');
  });

  it("passes the method's own errors through unchanged", async () => {
    const mine = Object.assign(new Error('domain'), { code: 'E_DOMAIN' });
    await expect(ledger.fails(mine)).rejects.toBe(mine);
  });

  it('keeps the method name', () => {
    expect(LedgerService.prototype.outer.name).toBe('outer');
  });

  it('says what is missing when the instance was not created by Nest', async () => {
    const manual = new LedgerService(locks, app.get(CounterStore), new CriticalSectionRecorder());
    await expect(manual.outer()).rejects.toBeInstanceOf(LockModuleMissingError);
  });
});

describe('@WithLock stacked with other method decorators', () => {
  @Injectable()
  class Stacked {
    @SetMetadata('custom', 'above')
    @WithLock('stacked-1')
    async above(): Promise<void> {}

    @WithLock('stacked-2')
    @SetMetadata('custom', 'below')
    async below(): Promise<void> {}
  }

  it('keeps metadata set before and after it', () => {
    expect(Reflect.getMetadata('custom', Stacked.prototype.above)).toBe('above');
    expect(Reflect.getMetadata('custom', Stacked.prototype.below)).toBe('below');
  });

  it('keeps route metadata beside @Get and @Post in either order', () => {
    const { report, reserve } = StockController.prototype;
    expect(Reflect.getMetadata(PATH_METADATA, report)).toBe('report');
    expect(Reflect.getMetadata(METHOD_METADATA, report)).toBe(RequestMethod.GET);
    expect(Reflect.getMetadata(PATH_METADATA, reserve)).toBe(':sku/reserve');
    expect(Reflect.getMetadata(METHOD_METADATA, reserve)).toBe(RequestMethod.POST);
  });
});

describe.each(BACKENDS)('@WithLock on controller routes over HTTP (%s backend)', (kind) => {
  let http: { app: INestApplication; url: string };
  beforeAll(async () => {
    http = await replicaSet(kind, { prefix: uniquePrefix('http') }).http();
  });
  afterAll(() => http.app.close());

  it('serialises concurrent reservations of one SKU', async () => {
    const sku = `sku-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${http.url}/stock/${sku}/reserve`, { method: 'POST' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      reserved: number;
      token: string;
    }[];
    expect(bodies.map((b) => b.reserved).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const byCount = [...bodies].sort((a, b) => a.reserved - b.reserved).map((b) => BigInt(b.token));
    for (let i = 1; i < byCount.length; i++) expect(byCount[i]! > byCount[i - 1]!).toBe(true);
  });

  it('serves a route whose @WithLock sits above @Get', async () => {
    const res = await fetch(`${http.url}/stock/report`);
    expect(await res.json()).toEqual({ held: 'stock-report' });
  });

  it('locks a method of a request-scoped provider, with the key from request state', async () => {
    const checkout = (user: string) =>
      fetch(`${http.url}/cart/checkout`, { method: 'POST', headers: { 'x-user': user } });
    const responses = await Promise.all([checkout('alice'), checkout('bob')]);
    expect(responses.map((r) => r.status)).toEqual([201, 201]);
    expect(await Promise.all(responses.map((r) => r.json()))).toEqual([
      { lock: 'cart:alice' },
      { lock: 'cart:bob' },
    ]);
  });

  it('keeps the status of an HttpException thrown inside the locked handler', async () => {
    const res = await fetch(`${http.url}/stock/abc/conflict`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ message: 'sku abc conflicts' });
  });
});
