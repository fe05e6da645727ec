import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LockLostError } from '../lib/index.js';
import { keysUnder, revokeLeaseOf, uniquePrefix, useLockApp } from './support/lock-app.js';

describe('losing a lock is never silent', () => {
  const prefix = uniquePrefix('loss');
  const fx = useLockApp({ prefix, ttl: 2 });

  it('aborts the signal, rejects fenced writes, and never deletes the next holder', async () => {
    const old = await fx.locks.acquire('lost');
    await revokeLeaseOf(fx.etcd, old);
    await once(old.signal, 'abort');
    expect(old.signal.reason).toBeInstanceOf(LockLostError);
    expect(old.held).toBe(false);

    const next = await fx.locks.acquire('lost'); // opens a fresh session
    expect(next.fencingToken > old.fencingToken).toBe(true);
    const stale = await old
      .ifHeld()
      .then(fx.etcd.put(`${prefix}resource`).value('stale'))
      .commit();
    expect(stale.succeeded).toBe(false);
    await old.release();
    expect(await keysUnder(fx.etcd, `${prefix}lost/`)).toEqual([next.etcdKey]);
    await next.release();
  });

  it('does not report success for work that outlived its lock', async () => {
    const outcome = fx.locks.withLock('outlived', async (lock) => {
      await revokeLeaseOf(fx.etcd, lock);
      await once(lock.signal, 'abort');
      return 'finished';
    });
    await expect(outcome).rejects.toBeInstanceOf(LockLostError);
  });

  it('still passes the callback error through when the lock was also lost', async () => {
    const mine = new Error('mine');
    const outcome = fx.locks.withLock('outlived-throws', async (lock) => {
      await revokeLeaseOf(fx.etcd, lock);
      await once(lock.signal, 'abort');
      throw mine;
    });
    await expect(outcome).rejects.toBe(mine);
  });
});
