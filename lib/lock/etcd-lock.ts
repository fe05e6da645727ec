import type { ComparatorBuilder } from 'etcd3';
import { LockLostError } from '../errors/lock-lost.error.js';
import type { EtcdMutex } from '../mutex/etcd-mutex.js';
import type { Lock } from './lock.interface.js';

export type RemoveKey = (mutex: EtcdMutex) => Promise<void>;

export class EtcdLock implements Lock {
  readonly reentrant = false;
  private readonly controller = new AbortController();
  private released: Promise<void> | undefined;
  private readonly onSessionLost = () => {
    const reason = this.mutex.session.signal.reason as Error | undefined;
    this.controller.abort(
      new LockLostError(this.key, reason?.message ?? 'session lost', { cause: reason }),
    );
  };

  constructor(
    readonly key: string,
    private readonly mutex: EtcdMutex,
    private readonly removeKey: RemoveKey,
  ) {
    const sessionSignal = mutex.session.signal;
    if (sessionSignal.aborted) this.onSessionLost();
    else sessionSignal.addEventListener('abort', this.onSessionLost, { once: true });
  }

  get etcdKey(): string {
    return this.mutex.ownKey;
  }

  get fencingToken(): bigint {
    return this.mutex.fencingToken;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get held(): boolean {
    return (
      this.released === undefined && !this.controller.signal.aborted && this.mutex.session.alive
    );
  }

  /** The lock was lost before now, even if the session timer has not fired yet. */
  lostError(): LockLostError | undefined {
    if (this.controller.signal.aborted) return this.controller.signal.reason as LockLostError;
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
    this.mutex.session.signal.removeEventListener('abort', this.onSessionLost);
    // A lost lock's key is gone with its lease, or is deleted by the guarded delete below.
    await this.removeKey(this.mutex);
  }
}
