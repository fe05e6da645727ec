import { setMaxListeners } from 'node:events';
import type { HeldLock, LockBackend } from '../backend/lock-backend.interface.js';
import { LockContext } from '../context/lock-context.js';
import { LockAcquireError } from '../errors/lock-acquire.error.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import { LockTracker } from '../events/lock-tracker.js';
import type {
  OnLocked,
  ResolvedTimingOptions,
  WithLockCallOptions,
} from '../interfaces/lock-options.interface.js';
import {
  assertAcquireOptions,
  resolveTimingOptions,
} from '../options/etcd-lock-options.defaults.js';
import { assertLockKey, assertSignal } from '../options/lock-options.validation.js';
import { ShutdownSignal } from './acquire-within.js';
import { holdUntil } from './hold-until.js';
import type { Lock } from './lock.interface.js';
import { ReentrantLock } from './reentrant-lock.js';

/** What `LockService` does on every call: reentrancy, bookkeeping, holding, and shutdown. */
export class LockRunner {
  readonly context = new LockContext();
  readonly tracker = new LockTracker();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly backend: LockBackend,
    private readonly defaults: ResolvedTimingOptions,
  ) {
    // Every waiter listens to it; hundreds at once are normal, not a leak.
    setMaxListeners(0, this.shutdown.signal);
  }

  /** New acquisitions fail from now on; waiters stop waiting; held-at-least locks go. */
  stop(): void {
    this.shutdown.abort(new ShutdownSignal());
  }

  async take(
    key: string,
    rawOptions: WithLockCallOptions | undefined,
    onLocked: OnLocked,
    argument: string,
    allowHold = false,
  ): Promise<Lock | null> {
    const name = assertLockKey(key);
    const options = assertAcquireOptions(rawOptions, argument, allowHold);
    const signal = assertSignal(options.signal);
    const timing = resolveTimingOptions(options, this.defaults);
    const outer = this.context.find(name);
    if (outer) return new ReentrantLock(outer);
    const acquisition = this.tracker.begin(name);
    try {
      if (this.shutdown.signal.aborted) {
        throw new LockAcquireError(name, 0, { reason: 'the application is shutting down' });
      }
      const tryOnly = onLocked !== 'wait' || timing.waitTimeout === 0;
      const lock = await this.backend.acquire({
        key: name,
        timing,
        mode: tryOnly ? 'try' : 'wait',
        signals: signal ? [signal, this.shutdown.signal] : [this.shutdown.signal],
        observer: this.tracker,
        onQueued: () => this.tracker.queued(acquisition),
      });
      if (lock === null && onLocked !== 'skip') {
        throw new LockTimeoutError(name, 0, { reason: 'held by another owner, and not waiting' });
      }
      if (lock === null) this.tracker.skipped(acquisition);
      else this.tracker.acquired(acquisition, lock);
      return lock;
    } catch (error) {
      this.tracker.failed(acquisition, error);
      throw error;
    }
  }

  /** Runs `fn` under a lock `take` returned; releases it; a lost lock wins over the result. */
  async run<T>(lock: Lock, fn: (lock: Lock) => T | Promise<T>, holdAtLeast = 0): Promise<T> {
    if (lock.reentrant) return fn(lock);
    const held = lock as HeldLock;
    let result: T;
    try {
      result = await this.context.run(held, () => fn(held));
    } catch (error) {
      await this.release(held, holdAtLeast);
      throw error;
    }
    const lost = held.lostError();
    await this.release(held, holdAtLeast);
    if (lost) throw lost;
    return result;
  }

  /** With `holdAtLeast`, the caller gets its result now and the lock goes when the time is up. */
  private async release(lock: HeldLock, holdAtLeast: number): Promise<void> {
    const since = holdAtLeast > 0 ? this.tracker.acquiredAt(lock) : undefined;
    if (since === undefined) return lock.release();
    // Still counted as held, so shutdown drains it; shutdown also ends the hold early.
    void holdUntil(since + holdAtLeast, [lock.signal, this.shutdown.signal]).then(() =>
      lock.release(),
    );
  }
}
