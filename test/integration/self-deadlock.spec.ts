import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplicationContext } from '@nestjs/common';
import { LockService, LockTimeoutError, SelfDeadlockError } from '../../lib/index.js';
import { BACKENDS, replicaSet, uniquePrefix } from '../support/lock-app.js';

describe.each(BACKENDS)("waiting for a lock of one's own (%s backend)", (kind) => {
  let app: INestApplicationContext;
  let locks: LockService;
  beforeAll(async () => {
    app = await replicaSet(kind, { prefix: uniquePrefix('self') }).context();
    locks = app.get(LockService);
  });
  afterAll(() => app.close());

  it('fails at once when the async context holds a lock nested under the one it asks for', async () => {
    const outcome = locks.withLock('tenant/7', () => locks.acquire('tenant'));
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SelfDeadlockError);
    expect(error).toMatchObject({ key: 'tenant', heldKey: 'tenant/7' });
    expect((error as Error).message).toMatch(
      /Lock "tenant" would wait forever: this async context already holds "tenant\/7" \(taken at .*self-deadlock\.spec\.ts:\d+:\d+\)/,
    );
    expect(locks.stats()).toMatchObject({ held: 0, waiting: 0 });
  });

  it('fails at once in nested withLock calls too, and still allows reentry on the same name', async () => {
    const nested = locks.withLock('report/2026', () =>
      locks.withLock('report/2026', () => locks.withLock('report', () => 'never')),
    );
    await expect(nested).rejects.toBeInstanceOf(SelfDeadlockError);
  });

  it('does not treat a lock that merely shares a prefix as blocking', async () => {
    await expect(locks.withLock('shop-1', () => locks.withLock('shop', () => 'ran'))).resolves.toBe(
      'ran',
    );
  });

  it('says which lock this process holds when acquire() times out behind its own acquire()', async () => {
    const first = await locks.acquire('dup');
    const error = await locks.acquire('dup', { waitTimeout: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toMatch(
      /\(waitTimeout elapsed\)\. This process holds "dup" \(taken at .*self-deadlock\.spec\.ts:\d+:\d+\)\. If the waiting code took it itself, release it first/,
    );
    await first.release();
  });
});
