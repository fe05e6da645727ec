import type { LockTracker } from '../events/lock-tracker.js';
import type { LockLostError } from '../errors/lock-lost.error.js';
import type { HeldLock } from '../lock/lock-backend.interface.js';
import { holdUntil } from './hold-until.js';
import type { LockContext } from './lock-context.js';
import { RunningWork } from './running-work.js';

/** How a body under a lock ended: with its value, or overtaken by the lock's loss. */
type BodyOrLoss<T> = { value: T } | { lost: LockLostError };

/**
 * The holding layer: runs a body in its lock's async context, rejects at once when the lock is
 * lost, and releases afterwards (or after `holdAtLeast`). Shutdown waits for what runs here.
 */
export class HeldBodyRunner {
  readonly work = new RunningWork();

  constructor(
    private readonly context: LockContext,
    private readonly tracker: LockTracker,
    /** Ends every `holdAtLeast` early. */
    private readonly shutdown: AbortSignal,
  ) {}

  /**
   * Runs `fn` under `lock` and releases it. A loss rejects at once, without waiting for `fn`
   * (which cannot be stopped) or for the release: once the lock is gone, deleting its key is
   * best effort and happens in the background.
   */
  async run<T>(lock: HeldLock, fn: () => T | Promise<T>, holdAtLeast: number): Promise<T> {
    this.work.start(lock);
    let outcome: BodyOrLoss<T>;
    try {
      outcome = await this.bodyOrLoss(lock, fn);
    } catch (error) {
      await this.finish(lock, holdAtLeast);
      throw error;
    }
    const lost = 'lost' in outcome ? outcome.lost : lock.lostError();
    await this.finish(lock, holdAtLeast);
    if (lost) throw lost;
    return (outcome as { value: T }).value;
  }

  /** Like `run`, under a lock held elsewhere (a leadership), which it does not release. */
  async runHeld<T>(lock: HeldLock, fn: () => T | Promise<T>): Promise<T> {
    this.work.start(lock);
    const outcome = await this.bodyOrLoss(lock, fn).finally(() => this.work.end(lock));
    const lost = 'lost' in outcome ? outcome.lost : lock.lostError();
    if (lost) throw lost;
    return (outcome as { value: T }).value;
  }

  /** Runs `fn` in `lock`'s async context: its value, or the loss if that comes first. */
  private bodyOrLoss<T>(lock: HeldLock, fn: () => T | Promise<T>): Promise<BodyOrLoss<T>> {
    const body = this.context.run(lock, fn);
    return Promise.race([
      Promise.resolve(body).then((value) => ({ value })),
      lock.whenLost().then((lost) => ({ lost })),
    ]);
  }

  /** Releases now, or when `holdAtLeast` is up; a lost lock goes in the background. */
  private async finish(lock: HeldLock, holdAtLeast: number): Promise<void> {
    const since = this.tracker.acquiredAt(lock);
    if (lock.lostError() || since === undefined) {
      this.work.end(lock);
      void lock.release(); // never rejects: a failed delete drops the lease instead
    } else if (holdAtLeast > 0) {
      // The caller gets its result now; shutdown waits for the hold, and also ends it early.
      void holdUntil(since + holdAtLeast, [lock.signal, this.shutdown])
        .then(() => lock.release())
        .finally(() => this.work.end(lock));
    } else {
      await lock.release();
      this.work.end(lock);
    }
  }
}
