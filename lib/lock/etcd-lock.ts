import type { ComparatorBuilder } from 'etcd3';
import { LockLostError } from '../errors/lock-lost.error.js';
import type { HeldLock, LockObserver } from '../backend/lock-backend.interface.js';
import type { EtcdMutex } from '../mutex/etcd-mutex.js';
import type { LeaseHolder } from '../session/lock-session.js';

export type RemoveKey = (mutex: EtcdMutex) => Promise<void>;

export class EtcdLock implements HeldLock, LeaseHolder {
  readonly reentrant = false;
  /** Created on first use of `signal`: most holders never look at it, and it is not free. */
  private controller: AbortController | undefined;
  private lost: LockLostError | undefined;
  private released: Promise<void> | undefined;

  constructor(
    readonly key: string,
    private readonly mutex: EtcdMutex,
    private readonly removeKey: RemoveKey,
    private readonly observer: LockObserver,
  ) {
    mutex.session.hold(this);
  }

  get etcdKey(): string {
    return this.mutex.ownKey;
  }

  get fencingToken(): bigint {
    return this.mutex.fencingToken;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.lost && !this.controller.signal.aborted) this.controller.abort(this.lost);
    return this.controller.signal;
  }

  get held(): boolean {
    return this.released === undefined && !this.lost && this.mutex.session.alive;
  }

  /** Called by the session when its lease can no longer be trusted. */
  markLost(reason: Error): void {
    if (this.lost) return;
    this.lost = new LockLostError(this.key, reason.message, { cause: reason });
    this.controller?.abort(this.lost);
    this.observer.lost(this, this.lost);
  }

  /** The lock was lost before now, even if the session timer has not fired yet. */
  lostError(): LockLostError | undefined {
    if (this.lost) return this.lost;
    if (this.released === undefined && !this.mutex.session.alive) {
      return new LockLostError(this.key, 'the session lease deadline passed');
    }
    return undefined;
  }

  ifHeld(): ComparatorBuilder {
    return this.mutex.ifHeld();
  }

  release(): Promise<void> {
    this.released ??= this.doRelease();
    return this.released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  private async doRelease(): Promise<void> {
    this.mutex.session.unhold(this);
    // A lost lock's key is gone with its lease, or is deleted by the guarded delete below.
    await this.removeKey(this.mutex);
    this.observer.released(this);
  }
}
