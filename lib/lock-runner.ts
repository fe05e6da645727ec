import { setMaxListeners } from 'node:events';
import type { LockContext } from './context/lock-context.js';
import { LockAcquireError } from './errors/lock-acquire.error.js';
import { LockTimeoutError } from './errors/lock-timeout.error.js';
import type { LockTracker } from './events/lock-tracker.js';
import type { Lock } from './interfaces/lock.interface.js';
import type { ResolvedTimingOptions } from './interfaces/lock-options.interface.js';
import { holdUntil } from './lock/hold-until.js';
import type { HeldLock, LockBackend } from './lock/lock-backend.interface.js';
import { ReentrantLock } from './lock/reentrant-lock.js';
import { SHUTTING_DOWN } from './errors/shutting-down.message.js';
import { ShutdownSignal } from './lock/shutdown.js';
import { type LockCall, withDefaults } from './options/lock-call.parser.js';

/** What `LockService` does on every call: reentrancy, bookkeeping, holding, and shutdown. */
export class LockRunner {
  private readonly shutdown = new AbortController();

  constructor(
    private readonly backend: LockBackend,
    private readonly defaults: ResolvedTimingOptions,
    private readonly tracker: LockTracker,
    private readonly context: LockContext,
  ) {
    // Every waiter listens to it; hundreds at once are normal, not a leak.
    setMaxListeners(0, this.shutdown.signal);
  }

  /** New acquisitions fail from now on; waiters stop waiting; held-at-least locks go. */
  stop(): void {
    this.shutdown.abort(new ShutdownSignal());
  }

  /** Takes the lock `name` (already validated) as `call` says; `null` when skipped. */
  async take(name: string, call: LockCall): Promise<Lock | null> {
    const outer = this.context.find(name);
    if (outer) return new ReentrantLock(outer);
    const timing = withDefaults(call.timing, this.defaults);
    const acquisition = this.tracker.begin(name);
    try {
      if (this.shutdown.signal.aborted) {
        throw new LockAcquireError(name, 0, { reason: SHUTTING_DOWN });
      }
      const { signal, onLocked } = call;
      const tryOnly = onLocked !== 'wait' || timing.waitTimeout === 0;
      const lock = await this.backend.acquire({
        key: name,
        timing,
        mode: tryOnly ? 'try' : 'wait',
        signals: signal ? [signal, this.shutdown.signal] : [this.shutdown.signal],
        observer: this.tracker,
        onQueued: () => this.tracker.queued(acquisition),
      });
      if (lock === null && onLocked !== 'skip') throw new LockTimeoutError(name, 0, 'busy');
      if (lock === null) this.tracker.skipped(acquisition);
      else this.tracker.acquired(acquisition, lock);
      return lock;
    } catch (error) {
      this.tracker.failed(acquisition, error);
      throw error;
    }
  }

  /** Runs `fn` under a lock `take` returned; releases it; a lost lock wins over the result. */
  async run<T>(lock: Lock, fn: (lock: Lock) => T | Promise<T>, holdAtLeast: number): Promise<T> {
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
