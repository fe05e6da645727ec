import { describe, expect, it } from 'vitest';
import {
  InvalidLockArgumentError,
  LockAcquireError,
  LockService,
  WithLock,
} from '../../lib/index.js';
import { BAD_KEYS, BAD_OPTIONS } from '../support/bad-inputs.js';
import { recordFault } from '../support/fault-record.js';
import {
  bootContext,
  keysUnder,
  leaseCount,
  uniquePrefix,
  useLockApp,
} from '../support/lock-app.js';

describe('bad input catalogue: typed errors, nothing written, process still healthy', () => {
  const prefix = uniquePrefix('fault-bad');
  const fx = useLockApp({ prefix });

  it('refuses every bad key, option and decorator argument, then still works', async () => {
    const calls: (() => Promise<unknown>)[] = [
      ...BAD_KEYS.flatMap(([, key]) => [
        () => fx.locks.acquire(key as string),
        () => fx.locks.tryAcquire(key as string),
        () => fx.locks.withLock(key as string, () => 1),
      ]),
      // `current()` without a key is valid (the innermost lock); every other bad key is not.
      ...BAD_KEYS.filter(([, key]) => key !== undefined).map(
        ([, key]) =>
          () =>
            Promise.resolve().then(() => fx.locks.current(key as string)),
      ),
      ...BAD_OPTIONS.map(
        ([, options]) =>
          () =>
            fx.locks.acquire('ok', options as never),
      ),
      () => Promise.resolve().then(() => WithLock('k', 1)),
      () => Promise.resolve().then(() => WithLock('k', { onLocked: 'later' as never })),
    ];
    const outcomes = await Promise.all(
      calls.map((call) =>
        call().then(
          () => 'resolved',
          (e: unknown) => e,
        ),
      ),
    );
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(InvalidLockArgumentError);
    expect(await keysUnder(fx.etcd, prefix)).toEqual([]);
    expect(await leaseCount(fx.etcd)).toBe(fx.leasesBefore);

    const offline = await bootContext({
      prefix,
      hosts: '127.0.0.1:1',
      retries: 1,
      retryDelay: 10,
      callTimeout: 300,
    });
    const unreachable = await offline
      .get(LockService)
      .acquire('ok')
      .catch((e: unknown) => e);
    await offline.close();
    expect(unreachable).toBeInstanceOf(LockAcquireError);

    const healthy = await fx.locks.acquire('still-works');
    await healthy.release();
    recordFault({
      scenario: 'Bad input catalogue',
      invariant:
        'typed error before any etcd call; no key or lease written; the process keeps working',
      figure: `${outcomes.length} bad calls → InvalidLockArgumentError; unreachable etcd → LockAcquireError; keys 0, leases +0; next acquire fine (wrong auth: see Security)`,
    });
  });
});
