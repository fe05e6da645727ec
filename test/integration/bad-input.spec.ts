import { describe, expect, it } from 'vitest';
import {
  EtcdLockModule,
  InvalidLockArgumentError,
  LockAcquireError,
  LockExceptionFilter,
  LockService,
  WithLock,
} from '../../lib/index.js';
import { EtcdLockTestingModule } from '../../lib/testing/index.js';
import { LockRunner } from '../../lib/runner/lock-runner.js';
import {
  BAD_FILTER_OPTIONS,
  BAD_HOLD_OPTIONS,
  BAD_KEY_LISTS,
  BAD_KEYS,
  BAD_MODULE_OPTIONS,
  BAD_OPTIONS,
} from '../support/bad-inputs.js';
import {
  bootContext,
  keysUnder,
  leaseCount,
  uniquePrefix,
  useLockApp,
} from '../support/lock-app.js';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

describe('bad input gets a typed error and touches nothing in etcd', () => {
  const prefix = uniquePrefix('bad');
  const fx = useLockApp({ prefix });

  it.each(BAD_KEYS)('rejects a key that is %s', async (_, key) => {
    await expect(fx.locks.acquire(key as string)).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(fx.locks.tryAcquire(key as string)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
    await expect(fx.locks.withLock(key as string, () => 1)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
  });

  it.each(BAD_KEY_LISTS)('rejects %s of names', async (_, keys) => {
    const names = keys as string[];
    await expect(fx.locks.acquire(names)).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(fx.locks.tryAcquire(names)).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(fx.locks.withLock(names, () => 1)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
  });

  it.each(BAD_OPTIONS)('rejects options with %s', async (_, options) => {
    await expect(fx.locks.acquire('ok', options as never)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
  });

  it.each(BAD_HOLD_OPTIONS)('rejects withLock options with %s', async (_, options) => {
    await expect(fx.locks.withLock('ok', () => 1, options as never)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
  });

  it('accepts holdAtLeast only where the lock is released for the caller', async () => {
    await expect(fx.locks.acquire('ok', { holdAtLeast: 10 } as never)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
  });

  it('rejects a withLock callback that is not a function', async () => {
    await expect(fx.locks.withLock('ok', 'nope' as never)).rejects.toBeInstanceOf(
      InvalidLockArgumentError,
    );
  });

  it('rejects bad decorator arguments at decoration time', () => {
    const cases: (() => unknown)[] = [
      () => WithLock(''),
      () => WithLock(7 as never),
      () => WithLock('k', 1),
      () => WithLock('k', 3.5),
      () => WithLock('k', 5, -1),
      () => WithLock('k', 5, 0.5),
      () => WithLock('k', { onLocked: 'maybe' as never }),
      () => WithLock('k', { ttl: 10, bogus: true } as never),
      () => (WithLock as (...args: unknown[]) => unknown)('k', { ttl: 10 }, 3),
      () => WithLock('k', 'ten' as never),
      () => WithLock('k', { holdAtLeast: -1 }),
      () => WithLock('k', { holdAtLeast: Infinity }),
      () => WithLock([]),
      () => WithLock(['a', 'a']),
      () => WithLock('k', { permits: 0 }),
      () => WithLock('k', { mode: 'read', permits: 2 }),
      () => WithLock('k', { mode: 'shared' as never }),
    ];
    for (const make of cases) expect(make).toThrow(InvalidLockArgumentError);
  });

  it('rejects key functions that throw or return a non-string, at call time', async () => {
    const thrown = new Error('no tenant');
    class Keys {
      @WithLock(() => {
        throw thrown;
      })
      async throws(): Promise<void> {}

      @WithLock(() => 42 as never)
      async number(): Promise<void> {}
    }
    // Wired by hand, as Nest would: the decorator's injected property gets the app's runner.
    const keys = Object.assign(new Keys(), { [symbolOf(Keys)]: fx.app.get(LockRunner) });
    const error = await keys.throws().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidLockArgumentError);
    expect((error as Error).cause).toBe(thrown);
    await expect(keys.number()).rejects.toBeInstanceOf(InvalidLockArgumentError);
  });

  it('left no key and no lease behind', async () => {
    expect(await keysUnder(fx.etcd, prefix)).toEqual([]);
    expect(await leaseCount(fx.etcd)).toBe(fx.leasesBefore);
  });

  it.each(BAD_MODULE_OPTIONS)('rejects module options with %s when it starts', async (_, bad) => {
    @Module({ imports: [EtcdLockModule.forRoot(bad as never)] })
    class BadModule {}
    await expect(
      NestFactory.createApplicationContext(BadModule, { logger: false, abortOnError: false }),
    ).rejects.toBeInstanceOf(InvalidLockArgumentError);
  });

  it('rejects etcd connection options given to the testing module', () => {
    expect(() => EtcdLockTestingModule.forRoot({ hosts: 'x:2379' } as never)).toThrow(
      InvalidLockArgumentError,
    );
    expect(() => EtcdLockTestingModule.forRoot({ ttl: 1 })).toThrow(InvalidLockArgumentError);
  });

  it.each(BAD_FILTER_OPTIONS)('rejects LockExceptionFilter options with %s', (_, bad) => {
    expect(() => new LockExceptionFilter(bad as never)).toThrow(InvalidLockArgumentError);
  });

  it('fails with LockAcquireError when etcd is unreachable, after its retries', async () => {
    const offline = await bootContext({
      prefix,
      hosts: '127.0.0.1:1',
      retries: 1,
      retryDelay: 10,
      callTimeout: 500,
    });
    const error = await offline
      .get(LockService)
      .acquire('ok')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockAcquireError);
    expect((error as LockAcquireError).attempts).toBe(2);
    await offline.close();
  });
});

/** The symbol property through which Nest hands a decorated instance its LockService. */
function symbolOf(cls: { prototype: object }): symbol {
  const deps = Reflect.getMetadata('self:properties_metadata', cls) as { key: symbol }[];
  return deps.find((d) => typeof d.key === 'symbol')!.key;
}
