import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LockLostError } from '../../lib/index.js';
import { now } from '../src/critical-section.recorder.js';
import { recordFault } from '../support/fault-record.js';
import { keysUnder, revokeLeaseOf, uniquePrefix, useLockApp } from '../support/lock-app.js';

/** Resolves once `signal` has aborted, including when it already had. */
const aborted = (signal: AbortSignal) =>
  signal.aborted ? Promise.resolve() : once(signal, 'abort');

describe('losing a lock is never silent', () => {
  const prefix = uniquePrefix('loss');
  const fx = useLockApp({ prefix, ttl: 2 });

  it('aborts the signal, rejects fenced writes, and never deletes the next holder', async () => {
    const old = await fx.locks.acquire('lost');
    await revokeLeaseOf(fx.etcd, old);
    await aborted(old.signal);
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
      await aborted(lock.signal);
      return 'finished';
    });
    await expect(outcome).rejects.toBeInstanceOf(LockLostError);
  });

  it('rejects withLock at once when the lock is lost, without waiting for the callback', async () => {
    let finishBody!: () => void;
    const bodyMayFinish = new Promise<void>((resolve) => (finishBody = resolve));
    let bodyFinished = false;
    const outcome = fx.locks.withLock('lost-while-running', async (lock) => {
      await revokeLeaseOf(fx.etcd, lock);
      await bodyMayFinish;
      bodyFinished = true;
      throw new Error('thrown after the loss was reported: nobody is listening any more');
    });
    await expect(outcome).rejects.toBeInstanceOf(LockLostError);
    expect(bodyFinished).toBe(false);
    finishBody();
  });

  it("passes the callback's own error through when it throws before the loss is noticed", async () => {
    const mine = new Error('mine');
    const outcome = fx.locks.withLock('outlived-throws', async () => {
      throw mine;
    });
    await expect(outcome).rejects.toBe(mine);
  });

  it('tells a holder whose key someone else deleted, and lets withLock reject', async () => {
    const lock = await fx.locks.acquire('deleted');
    const deletedAt = now();
    await fx.etcd.delete().key(lock.etcdKey);
    await aborted(lock.signal);
    const toldMs = now() - deletedAt;
    const reason = lock.signal.reason as LockLostError;
    expect(reason).toBeInstanceOf(LockLostError);
    expect(reason.reason).toMatch(/its key was deleted at revision \d+ while held/);
    expect(lock.held).toBe(false);
    await lock.release();

    const outcome = fx.locks.withLock('deleted-in-work', async (held) => {
      await fx.etcd.delete().key(held.etcdKey);
      await aborted(held.signal);
      return 'finished';
    });
    await expect(outcome).rejects.toBeInstanceOf(LockLostError);
    recordFault({
      scenario: 'Held key deleted by someone else',
      invariant: "the holder's signal aborts with LockLostError; withLock rejects",
      figure: `told ${toldMs.toFixed(1)} ms after the delete returned`,
    });
  });

  it('does not report its own release as a loss', async () => {
    const lost: unknown[] = [];
    const subscription = fx.locks.events$.subscribe((e) => e.kind === 'lock.lost' && lost.push(e));
    for (let i = 0; i < 20; i++) await (await fx.locks.acquire('own-release')).release();
    // One more lock held while the last delete event arrives, so a wrongly matched event would hit.
    const probe = await fx.locks.acquire('own-release');
    const again = await fx.locks.tryAcquire('own-release-2');
    await again?.release();
    expect(probe.held).toBe(true);
    await probe.release();
    subscription.unsubscribe();
    expect(lost).toEqual([]);
  });
});
