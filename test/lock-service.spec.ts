import type { INestApplicationContext } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService, LockTimeoutError, type Lock } from '../lib/index.js';
import { bootContext, inspector, keysUnder, uniquePrefix } from './support/lock-app.js';

describe('LockService', () => {
  const prefix = uniquePrefix('service');
  let app: INestApplicationContext;
  let locks: LockService;
  let etcd: Etcd3;

  beforeAll(async () => {
    app = await bootContext({ prefix, ttl: 5 });
    locks = app.get(LockService);
    etcd = inspector();
  });
  afterAll(async () => {
    await app.close();
    etcd.close();
  });

  it('acquires, exposes its key and token, and releases its own key only', async () => {
    const lock = await locks.acquire('basic');
    expect(lock.key).toBe('basic');
    expect(lock.etcdKey.startsWith(`${prefix}basic/`)).toBe(true);
    expect(lock.held).toBe(true);
    expect(await keysUnder(etcd, `${prefix}basic/`)).toEqual([lock.etcdKey]);
    await lock.release();
    await lock.release(); // a second release is a no-op
    expect(lock.held).toBe(false);
    expect(await keysUnder(etcd, `${prefix}basic/`)).toEqual([]);
  });

  it('hands out strictly increasing fencing tokens', async () => {
    const tokens: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      const lock = await locks.acquire('tokens');
      tokens.push(lock.fencingToken);
      await lock.release();
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).toBe(true);
  });

  it('works with await using', async () => {
    let etcdKey = '';
    {
      await using lock = await locks.acquire('disposable');
      etcdKey = lock.etcdKey;
      expect(await keysUnder(etcd, `${prefix}disposable/`)).toEqual([etcdKey]);
    }
    expect(await keysUnder(etcd, `${prefix}disposable/`)).toEqual([]);
  });

  it('tryAcquire returns null while held and never leaves a waiter key', async () => {
    const holder = await locks.acquire('try');
    expect(await locks.tryAcquire('try')).toBeNull();
    await expect(locks.acquire('try', { waitTimeout: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    await holder.release();
    const next = await locks.tryAcquire('try');
    expect(next).not.toBeNull();
    expect(await keysUnder(etcd, `${prefix}try/`)).toEqual([next!.etcdKey]);
    await next!.release();
  });

  it('gives up after waitTimeout with LockTimeoutError and removes its waiter key', async () => {
    const holder = await locks.acquire('timeout');
    const started = performance.now();
    const error = await locks.acquire('timeout', { waitTimeout: 300 }).catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(waited).toBeGreaterThanOrEqual(290);
    // The waiter's key is removed in the background; once etcd reports only the holder, it is gone.
    await expect.poll(() => keysUnder(etcd, `${prefix}timeout/`)).toEqual([holder.etcdKey]);
    await holder.release();
  });

  it('stops waiting when the caller aborts its signal', async () => {
    const holder = await locks.acquire('signal');
    const controller = new AbortController();
    const pending = locks.acquire('signal', { signal: controller.signal, waitTimeout: Infinity });
    controller.abort(new Error('client went away'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).cause).toEqual(new Error('client went away'));
    await expect.poll(() => keysUnder(etcd, `${prefix}signal/`)).toEqual([holder.etcdKey]);
    await holder.release();
  });

  it('excludes concurrent callers in one process that share one lease', async () => {
    let inside = 0;
    let maxInside = 0;
    const seen: Lock[] = [];
    await Promise.all(
      Array.from({ length: 12 }, () =>
        locks.withLock('shared-lease', async (lock) => {
          seen.push(lock);
          maxInside = Math.max(maxInside, ++inside);
          await etcd.get('yield-to-the-event-loop').string();
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(new Set(seen.map((l) => l.etcdKey)).size).toBe(12);
  });

  it('is reentrant within one async context and not across contexts', async () => {
    const result = await locks.withLock('reenter', async (outer) => {
      const inner = await locks.acquire('reenter');
      expect(inner.reentrant).toBe(true);
      expect(inner.fencingToken).toBe(outer.fencingToken);
      await inner.release(); // no-op: the outer lock is still held
      expect(await keysUnder(etcd, `${prefix}reenter/`)).toEqual([outer.etcdKey]);
      expect(locks.current('reenter')).toBe(outer);
      expect(locks.current()).toBe(outer);
      return locks.withLock('reenter', () => 'nested ok');
    });
    expect(result).toBe('nested ok');
    expect(locks.current('reenter')).toBeUndefined();
    expect(await keysUnder(etcd, `${prefix}reenter/`)).toEqual([]);
  });

  it('passes errors from the callback through untouched and still releases', async () => {
    const mine = new RangeError('business rule');
    await expect(locks.withLock('throws', () => Promise.reject(mine))).rejects.toBe(mine);
    expect(await keysUnder(etcd, `${prefix}throws/`)).toEqual([]);
  });

  it('makes a transaction conditional on still holding the lock', async () => {
    const lock = await locks.acquire('fenced');
    const guarded = await lock
      .ifHeld()
      .then(etcd.put(`${prefix}data`).value('v1'))
      .commit();
    expect(guarded.succeeded).toBe(true);
    await lock.release();
    const stale = await lock
      .ifHeld()
      .then(etcd.put(`${prefix}data`).value('v2'))
      .commit();
    expect(stale.succeeded).toBe(false);
    expect(await etcd.get(`${prefix}data`).string()).toBe('v1');
  });
});
