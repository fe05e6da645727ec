import type { ComparatorBuilder, Etcd3 } from 'etcd3';
import { HeldLockBase } from '../lock/held-lock.base.js';
import type { LockObserver } from '../lock/lock-backend.interface.js';
import type { EtcdMutex } from './etcd-mutex.js';
import type { HeldKeyWatch } from './held-key.watch.js';

export type RemoveKey = (mutex: EtcdMutex) => Promise<void>;

/** What every lock of one backend shares. */
export interface EtcdLockContext {
  readonly heldKeys: HeldKeyWatch;
  /** The pooled client (`ETCD_LOCK_CLIENT`) that users' fenced writes go through. */
  readonly client: Etcd3;
}

/** A lock held in etcd: a key on the session lease, at the head of its queue. */
export class EtcdLock extends HeldLockBase {
  readonly etcdKey: string;
  /** Known once the enqueue answered, which is before a lock is handed out. */
  readonly fencingToken: bigint;

  constructor(
    key: string,
    private readonly mutex: EtcdMutex,
    private readonly removeKey: RemoveKey,
    observer: LockObserver,
    private readonly context: EtcdLockContext,
  ) {
    super(key, observer);
    this.etcdKey = mutex.ownKey;
    this.fencingToken = mutex.fencingToken;
    mutex.session.hold(this);
    context.heldKeys.add(this);
  }

  ifHeld(): ComparatorBuilder {
    return this.mutex.ifHeld(this.context.client);
  }

  setValue(value: string): Promise<boolean> {
    return this.mutex.setValue(value);
  }

  protected override lostBeforeNotice(): string | undefined {
    // The session's timer may not have fired yet when the deadline has already passed.
    return this.mutex.session.alive ? undefined : 'the session lease deadline passed';
  }

  protected async removeEntry(): Promise<void> {
    this.mutex.session.unhold(this);
    this.context.heldKeys.remove(this); // our own delete is no loss
    // A lost lock's key is gone with its lease, or is deleted by the guarded delete.
    await this.removeKey(this.mutex);
  }
}
