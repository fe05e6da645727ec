import type { ComparatorBuilder } from 'etcd3';
import { LockLostError } from '../errors/lock-lost.error.js';
import type { LockMode } from '../interfaces/lock-options.interface.js';
import type { HeldLock, LockObserver } from './lock-backend.interface.js';
import { LazyAbort } from './lazy-abort.js';
import { joinLockNames, type LockShape } from './lock-shape.js';

/**
 * What every backend's held lock shares: loss is recorded once, told through `signal` and the
 * observer; release runs once however often it is called. Subclasses say how the key goes.
 */
export abstract class HeldLockBase implements HeldLock {
  readonly reentrant = false;
  /** Its signal is made on first use of `signal`: most holders never look at it. */
  private readonly loss = new LazyAbort();
  private lost: LockLostError | undefined;
  private released: Promise<void> | undefined;
  /** Created on first use of `whenLost()`: only `withLock` bodies race against the loss. */
  private lostNotice:
    { promise: Promise<LockLostError>; resolve(e: LockLostError): void } | undefined;
  private maxHoldTimer: NodeJS.Timeout | undefined;

  readonly key: string;
  readonly mode: LockMode;
  readonly permits: number;

  protected constructor(
    readonly keys: readonly string[],
    shape: LockShape,
    private readonly observer: LockObserver,
  ) {
    this.key = joinLockNames(keys);
    this.mode = shape.mode;
    this.permits = shape.permits;
  }

  abstract readonly etcdKey: string;
  abstract readonly fencingToken: bigint;
  abstract ifHeld(): ComparatorBuilder;
  /** Removes this holder's own entry from the store. */
  protected abstract removeEntry(): Promise<void>;
  abstract setValue(value: string): Promise<boolean>;

  /**
   * Checks the renewal deadline first, as `held` does: after a synchronous stall no timer has
   * run yet, and the line after it must not see a live signal on a lock that is gone.
   */
  get signal(): AbortSignal {
    const lost = this.noticeLoss();
    if (lost) this.loss.abort(lost);
    return this.loss.signal;
  }

  get held(): boolean {
    return this.released === undefined && !this.noticeLoss();
  }

  /** The store let the lock go (lease expired or revoked, key deleted, backend closed). */
  markLost(reason: string, cause?: unknown): void {
    if (this.lost || this.released) return;
    this.lost = new LockLostError({ key: this.key, reason, cause });
    clearTimeout(this.maxHoldTimer);
    this.onLost();
    this.loss.abort(this.lost);
    this.lostNotice?.resolve(this.lost);
    this.observer.lost(this, this.lost);
  }

  /** The lock was lost before now, even if no one has said so yet. */
  lostError(): LockLostError | undefined {
    return this.released !== undefined && !this.lost ? undefined : this.noticeLoss();
  }

  /**
   * The loss, recorded now if the store's deadline has passed although no timer has said so
   * yet (the event loop was blocked): every reader of `held`, `signal` or `ifHeld()` then
   * agrees, and the observer hears of it once.
   */
  protected noticeLoss(): LockLostError | undefined {
    if (this.lost || this.released !== undefined) return this.lost;
    const reason = this.lostBeforeNotice();
    if (reason !== undefined) this.markLost(reason);
    return this.lost;
  }

  whenLost(): Promise<LockLostError> {
    if (!this.lostNotice) {
      let resolve!: (e: LockLostError) => void;
      const promise = new Promise<LockLostError>((r) => (resolve = r));
      this.lostNotice = { promise, resolve };
      if (this.lost) resolve(this.lost);
    }
    return this.lostNotice.promise;
  }

  limitHold(ms: number): void {
    if (!Number.isFinite(ms) || this.released || this.lost) return;
    this.maxHoldTimer = setTimeout(() => {
      this.markLost(`held longer than maxHold (${ms} ms)`);
      void this.release(); // never rejects: a failed delete drops the lease instead
    }, ms);
    this.maxHoldTimer.unref();
  }

  release(): Promise<void> {
    this.released ??= this.finishRelease();
    return this.released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  private async finishRelease(): Promise<void> {
    clearTimeout(this.maxHoldTimer);
    await this.removeEntry();
    this.observer.released(this);
  }

  /** Why the lock is already gone although `markLost` has not run yet, if it is. */
  protected lostBeforeNotice(): string | undefined {
    return undefined;
  }

  /** Runs once, when the lock is lost, before anyone is told. */
  protected onLost(): void {}
}
