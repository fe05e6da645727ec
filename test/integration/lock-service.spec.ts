import { describe, expect, it } from 'vitest';
import { LockTimeoutError, type Lock } from '../../lib/index.js';
import { keysUnder, uniquePrefix, useLockApp } from '../support/lock-app.js';

describe('LockService', () => {
  const prefix = uniquePrefix('service');
  const fx = useLockApp({ prefix, ttl: 5 });

  it('acquires, exposes its key and token, and releases its own key only', async () => {
    const lock = await fx.locks.acquire('basic');
    expect(lock.key).toBe('basic');
    expect(lock.etcdKey.startsWith(`${prefix}basic/`)).toBe(true);
    expect(lock.held).toBe(true);
    expect(await keysUnder(fx.etcd, `${prefix}basic/`)).toEqual([lock.etcdKey]);
    await lock.release();
    await lock.release(); // a second release is a no-op
    expect(lock.held).toBe(false);
    expect(await keysUnder(fx.etcd, `${prefix}basic/`)).toEqual([]);
  });

  it('hands out strictly increasing fencing tokens', async () => {
    const tokens: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      const lock = await fx.locks.acquire('tokens');
      tokens.push(lock.fencingToken);
      await lock.release();
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).toBe(true);
  });

  it('reuses key names for sequential acquisitions, so etcd keeps no trail of dead keys', async () => {
    const first = await fx.locks.acquire('reuse');
    await first.release();
    const second = await fx.locks.acquire('reuse');
    const concurrent = fx.locks.acquire('reuse');
    await expect.poll(() => keysUnder(fx.etcd, `${prefix}reuse/`).then((k) => k.length)).toBe(2);
    await second.release();
    const third = await concurrent;
    expect(second.etcdKey).toBe(first.etcdKey);
    expect(third.etcdKey).not.toBe(second.etcdKey);
    expect(second.fencingToken > first.fencingToken).toBe(true);
    await third.release();
  });

  it('works with await using', async () => {
    let etcdKey = '';
    {
      await using lock = await fx.locks.acquire('disposable');
      etcdKey = lock.etcdKey;
      expect(await keysUnder(fx.etcd, `${prefix}disposable/`)).toEqual([etcdKey]);
    }
    expect(await keysUnder(fx.etcd, `${prefix}disposable/`)).toEqual([]);
  });

  it('tryAcquire returns null while held and never leaves a waiter key', async () => {
    const holder = await fx.locks.acquire('try');
    expect(await fx.locks.tryAcquire('try')).toBeNull();
    await expect(fx.locks.acquire('try', { waitTimeout: 0 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    await holder.release();
    const next = await fx.locks.tryAcquire('try');
    expect(next).not.toBeNull();
    expect(await keysUnder(fx.etcd, `${prefix}try/`)).toEqual([next!.etcdKey]);
    await next!.release();
  });

  it('gives up after waitTimeout with LockTimeoutError and removes its waiter key', async () => {
    const holder = await fx.locks.acquire('timeout');
    const started = performance.now();
    const error = await fx.locks.acquire('timeout', { waitTimeout: 300 }).catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(waited).toBeGreaterThanOrEqual(290);
    // The waiter's key is removed in the background; once etcd reports only the holder, it is gone.
    await expect.poll(() => keysUnder(fx.etcd, `${prefix}timeout/`)).toEqual([holder.etcdKey]);
    await holder.release();
  });

  it('stops waiting when the caller aborts its signal', async () => {
    const holder = await fx.locks.acquire('signal');
    const controller = new AbortController();
    const pending = fx.locks.acquire('signal', {
      signal: controller.signal,
      waitTimeout: Infinity,
    });
    controller.abort(new Error('client went away'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).cause).toEqual(new Error('client went away'));
    await expect.poll(() => keysUnder(fx.etcd, `${prefix}signal/`)).toEqual([holder.etcdKey]);
    await holder.release();
  });

  it('excludes concurrent callers in one process that share one lease', async () => {
    let inside = 0;
    let maxInside = 0;
    const seen: Lock[] = [];
    await Promise.all(
      Array.from({ length: 12 }, () =>
        fx.locks.withLock('shared-lease', async (lock) => {
          seen.push(lock);
          maxInside = Math.max(maxInside, ++inside);
          await fx.etcd.get('yield-to-the-event-loop').string();
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(new Set(seen.map((l) => l.fencingToken)).size).toBe(12);
  });

  it('is reentrant within one async context and not across contexts', async () => {
    const result = await fx.locks.withLock('reenter', async (outer) => {
      const inner = await fx.locks.acquire('reenter');
      expect(inner.reentrant).toBe(true);
      expect(inner.fencingToken).toBe(outer.fencingToken);
      await inner.release(); // no-op: the outer lock is still held
      expect(await keysUnder(fx.etcd, `${prefix}reenter/`)).toEqual([outer.etcdKey]);
      expect(fx.locks.current('reenter')).toBe(outer);
      expect(fx.locks.current()).toBe(outer);
      return fx.locks.withLock('reenter', () => 'nested ok');
    });
    expect(result).toBe('nested ok');
    expect(fx.locks.current('reenter')).toBeUndefined();
    expect(await keysUnder(fx.etcd, `${prefix}reenter/`)).toEqual([]);
  });

  it('passes errors from the callback through untouched and still releases', async () => {
    const mine = new RangeError('business rule');
    await expect(fx.locks.withLock('throws', () => Promise.reject(mine))).rejects.toBe(mine);
    expect(await keysUnder(fx.etcd, `${prefix}throws/`)).toEqual([]);
  });

  it('makes a transaction conditional on still holding the lock', async () => {
    const lock = await fx.locks.acquire('fenced');
    const guarded = await lock
      .ifHeld()
      .then(fx.etcd.put(`${prefix}data`).value('v1'))
      .commit();
    expect(guarded.succeeded).toBe(true);
    await lock.release();
    const stale = await lock
      .ifHeld()
      .then(fx.etcd.put(`${prefix}data`).value('v2'))
      .commit();
    expect(stale.succeeded).toBe(false);
    expect(await fx.etcd.get(`${prefix}data`).string()).toBe('v1');
  });
});
