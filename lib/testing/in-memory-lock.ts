import type { ComparatorBuilder } from 'etcd3';
import type { HeldLock, LockObserver } from '../backend/lock-backend.interface.js';
import { EtcdLockError } from '../errors/etcd-lock.error.js';
import { LockLostError } from '../errors/lock-lost.error.js';

/** An `ifHeld()` call on a lock that has no etcd behind it. */
export class FencedWriteUnsupportedError extends EtcdLockError {
  constructor(key: string) {
    super(
      `Lock "${key}" comes from the in-memory backend: ifHeld() needs etcd. ` +
        'Check fencingToken in the protected resource instead.',
    );
  }
}

/** A lock handed out by `InMemoryLockBackend`. Behaves like an etcd lock, minus etcd. */
export class InMemoryLock implements HeldLock {
  readonly reentrant = false;
  private controller: AbortController | undefined;
  private lost: LockLostError | undefined;
  private released = false;

  constructor(
    readonly key: string,
    readonly etcdKey: string,
    readonly fencingToken: bigint,
    private readonly observer: LockObserver,
    private readonly onGone: () => void,
  ) {}

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.lost && !this.controller.signal.aborted) this.controller.abort(this.lost);
    return this.controller.signal;
  }

  get held(): boolean {
    return !this.released && !this.lost;
  }

  lostError(): LockLostError | undefined {
    return this.lost;
  }

  ifHeld(): ComparatorBuilder {
    throw new FencedWriteUnsupportedError(this.key);
  }

  /** What a lease expiry does: the key is gone, the holder is told through `signal`. */
  markLost(reason: string): void {
    if (this.lost || this.released) return;
    this.lost = new LockLostError(this.key, reason);
    this.onGone();
    this.controller?.abort(this.lost);
    this.observer.lost(this, this.lost);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (!this.lost) this.onGone();
    this.observer.released(this);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
