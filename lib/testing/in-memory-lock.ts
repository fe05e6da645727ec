import type { ComparatorBuilder } from 'etcd3';
import { EtcdLockError } from '../errors/etcd-lock.error.js';
import { HeldLockBase } from '../lock/held-lock.base.js';
import type { AcquireRequest, LockObserver } from '../lock/lock-backend.interface.js';

/** An `ifHeld()` call on a lock that has no etcd behind it. */
export class FencedWriteUnsupportedError extends EtcdLockError {
  /** The lock whose `ifHeld()` was called. */
  readonly key: string;

  constructor({ key }: { key: string }) {
    super(
      `Lock "${key}" comes from the in-memory backend: ifHeld() needs etcd. ` +
        'Check fencingToken in the protected resource instead.',
    );
    this.key = key;
  }
}

/** A lock handed out by `InMemoryLockBackend`. Behaves like an etcd lock, minus etcd. */
export class InMemoryLock extends HeldLockBase {
  constructor(
    request: Pick<AcquireRequest, 'keys' | 'shape'>,
    readonly etcdKey: string,
    readonly fencingToken: bigint,
    observer: LockObserver,
    private readonly entry: {
      /** Removes the entry from the store, which wakes the next waiter. */
      remove(): void;
      /** False once the entry is gone. */
      setValue(value: string): boolean;
    },
  ) {
    super(request.keys, request.shape, observer);
  }

  ifHeld(): ComparatorBuilder {
    throw new FencedWriteUnsupportedError({ key: this.key });
  }

  private keepEntry = false;

  /** At close with work still running: the loss leaves the entry, as a lease left to run out. */
  keepEntryUntilRelease(): void {
    this.keepEntry = true;
  }

  /** What a lease expiry does: the entry is gone before the holder hears of it. */
  protected override onLost(): void {
    if (!this.keepEntry) this.entry.remove();
  }

  protected async removeEntry(): Promise<void> {
    this.entry.remove(); // a no-op when the entry already went with a loss
  }

  async setValue(value: string): Promise<boolean> {
    return this.held && this.entry.setValue(value);
  }
}
