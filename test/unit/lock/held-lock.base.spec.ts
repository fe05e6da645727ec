import { describe, expect, it } from 'vitest';
import { LockLostError } from '../../../lib/errors/lock-lost.error.js';
import type { HeldLock } from '../../../lib/lock/lock-backend.interface.js';
import { EXCLUSIVE } from '../../../lib/options/lock-options.defaults.js';
import { InMemoryLock } from '../../../lib/testing/in-memory-lock.js';

/** Records what the lock tells its observer, and how often its entry was removed. */
function makeLock() {
  const told: string[] = [];
  let removed = 0;
  const observer = {
    released: (lock: HeldLock) => told.push(`released ${lock.key}`),
    lost: (lock: HeldLock, error: LockLostError) => told.push(`lost ${lock.key}: ${error.reason}`),
  };
  const lock = new InMemoryLock({ keys: ['k'], shape: EXCLUSIVE }, 'p/k/memory_1', 1n, observer, {
    remove: () => void removed++,
    setValue: () => true,
  });
  return { lock, told, removed: () => removed };
}

describe('the base every held lock shares', () => {
  it('releases once however often release is called, and tells the observer once', async () => {
    const { lock, told, removed } = makeLock();
    await Promise.all([lock.release(), lock.release(), lock[Symbol.asyncDispose]()]);
    expect(told).toEqual(['released k']);
    expect(removed()).toBe(1);
    expect(lock.held).toBe(false);
    expect(lock.lostError()).toBeUndefined();
  });

  it('aborts the signal with LockLostError on loss, even one read only afterwards', () => {
    const early = makeLock();
    const signal = early.lock.signal;
    early.lock.markLost('its key was deleted');
    expect(signal.reason).toBeInstanceOf(LockLostError);
    const late = makeLock();
    late.lock.markLost('lease expired');
    expect((late.lock.signal.reason as LockLostError).reason).toBe('lease expired');
  });

  it('records the first loss only, and none after a release', async () => {
    const { lock, told } = makeLock();
    lock.markLost('first', new Error('cause'));
    lock.markLost('second');
    expect(told).toEqual(['lost k: first']);
    expect(lock.lostError()?.cause).toBeInstanceOf(Error);
    const released = makeLock();
    await released.lock.release();
    released.lock.markLost('too late');
    expect(released.told).toEqual(['released k']);
  });
});
