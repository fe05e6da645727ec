import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplicationContext } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
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
  inspector,
  keysUnder,
  leaseCount,
  uniquePrefix,
} from '../support/lock-app.js';

describe('bad input catalogue: typed errors, nothing written, process still healthy', () => {
  const prefix = uniquePrefix('fault-bad');
  let app: INestApplicationContext;
  let etcd: Etcd3;
  let leasesBefore: number;

  beforeAll(async () => {
    etcd = inspector();
    leasesBefore = await leaseCount(etcd);
    app = await bootContext({ prefix });
  });
  afterAll(async () => {
    await app.close();
    etcd.close();
  });

  it('refuses every bad key, option and decorator argument, then still works', async () => {
    const locks = app.get(LockService);
    const calls: (() => Promise<unknown>)[] = [
      ...BAD_KEYS.flatMap(([, key]) => [
        () => locks.acquire(key as string),
        () => locks.tryAcquire(key as string),
        () => locks.withLock(key as string, () => 1),
      ]),
      // `current()` without a key is valid (the innermost lock); every other bad key is not.
      ...BAD_KEYS.filter(([, key]) => key !== undefined).map(
        ([, key]) =>
          () =>
            Promise.resolve().then(() => locks.current(key as string)),
      ),
      ...BAD_OPTIONS.map(
        ([, options]) =>
          () =>
            locks.acquire('ok', options as never),
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
    expect(await keysUnder(etcd, prefix)).toEqual([]);
    expect(await leaseCount(etcd)).toBe(leasesBefore);

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

    const healthy = await locks.acquire('still-works');
    await healthy.release();
    recordFault({
      scenario: 'Bad input catalogue',
      invariant:
        'typed error before any etcd call; no key or lease written; the process keeps working',
      figure: `${outcomes.length} bad calls → InvalidLockArgumentError; unreachable etcd → LockAcquireError; keys 0, leases +0; next acquire fine (wrong auth: see Security)`,
    });
  });
});
