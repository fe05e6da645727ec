import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Lock, LockLostError } from '../../lib/index.js';
import { uniquePrefix, useLockApp } from '../support/lock-app.js';

/** Blocks the event loop for `ms`, as a CPU-bound handler or a long GC pause would. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('a body sees the loss of its lock wherever it looks', () => {
  const prefix = uniquePrefix('visible');
  const fx = useLockApp({ prefix, ttl: 2 });

  it('gives the body its lost lock through current(), with held false and signal aborted', async () => {
    let seen: { same: boolean; held?: boolean; aborted?: boolean; innermost: boolean } | undefined;
    let lost!: () => void;
    const noticed = new Promise<void>((resolve) => (lost = resolve));
    const outcome = fx.locks.withLock('ledger', async (lock) => {
      await fx.etcd.delete().key(lock.etcdKey);
      if (!lock.signal.aborted) await once(lock.signal, 'abort');
      const current = fx.locks.current('ledger');
      seen = {
        same: current === lock,
        held: current?.held,
        aborted: current?.signal.aborted,
        innermost: fx.locks.current() === lock,
      };
      lost();
    });
    await expect(outcome).rejects.toBeInstanceOf(LockLostError);
    await noticed;
    expect(seen).toEqual({ same: true, held: false, aborted: true, innermost: true });
  });

  it('aborts the signal on the very line after a synchronous stall past the TTL', async () => {
    const lock: Lock = await fx.locks.acquire('stalled');
    stall(4_500); // ttl 2: no timer can run, so no renewal and no deadline check
    const signalAborted = lock.signal.aborted;
    const held = lock.held;
    expect({ held, signalAborted }).toEqual({ held: false, signalAborted: true });
    expect(lock.signal.reason).toBeInstanceOf(LockLostError);
    await lock.release();
  });

  it('agrees whichever is read first after the stall: held, then signal', async () => {
    const lock = await fx.locks.acquire('stalled-held-first');
    stall(4_500);
    expect(lock.held).toBe(false);
    expect(lock.signal.aborted).toBe(true);
    await lock.release();
  });
});
