import type { ComparatorBuilder, Etcd3 } from 'etcd3';
import { HeldLockBase } from '../../lock/held-lock.base.js';
import type { ResolvedTimingOptions } from '../../interfaces/lock-options.interface.js';
import type { AcquireRequest } from '../../lock/lock-backend.interface.js';
import type { EtcdEntry } from '../queue/etcd-entry.js';
import type { HeldKeyWatch } from '../watch/held-key.watch.js';
import type { LockSession } from '../session/lock-session.js';

/** What every lock of one backend shares. */
export interface EtcdLockContext {
  readonly heldKeys: HeldKeyWatch;
  /** The pooled client (`ETCD_LOCK_CLIENT`) that users' fenced writes go through. */
  readonly client: Etcd3;
  /**
   * Deletes an entry's keys with the acquisition's retries. Shared rather than a closure per
   * lock: a closure would keep its whole acquisition scope alive for as long as the lock.
   */
  readonly removeKey: (entry: EtcdEntry, timing: ResolvedTimingOptions) => Promise<void>;
}

/** A lock held in etcd: a key on the session lease in each of its names' queues. */
export class EtcdLock extends HeldLockBase {
  readonly etcdKey: string;
  private readonly timing: ResolvedTimingOptions;
  /** Known once the enqueue answered, which is before a lock is handed out. */
  readonly fencingToken: bigint;

  constructor(
    request: Pick<AcquireRequest, 'keys' | 'shape' | 'timing' | 'observer'>,
    private readonly entry: EtcdEntry,
    private readonly context: EtcdLockContext,
  ) {
    super(request.keys, request.shape, request.observer);
    this.timing = request.timing;
    this.etcdKey = entry.slots[0]!.ownKey;
    this.fencingToken = entry.fencingToken;
    entry.session.hold(this);
    context.heldKeys.add(this);
  }

  /** The lease this lock is on. @internal */
  get session(): LockSession {
    return this.entry.session;
  }

  /** Our key in each name's queue; derived, not stored, to keep held locks small. */
  get etcdKeys(): readonly string[] {
    return this.entry.slots.map((s) => s.ownKey);
  }

  ifHeld(): ComparatorBuilder {
    this.noticeLoss(); // the guard in etcd decides; this tells `signal` as early as it can
    return this.entry.ifHeld(this.context.client);
  }

  setValue(value: string): Promise<boolean> {
    return this.entry.setValue(value);
  }

  protected override lostBeforeNotice(): string | undefined {
    // The session's timer may not have fired yet when the deadline has already passed.
    return this.entry.session.alive ? undefined : 'the session lease deadline passed';
  }

  protected async removeEntry(): Promise<void> {
    this.entry.session.unhold(this);
    this.context.heldKeys.remove(this); // our own delete is no loss
    // A lost lock's key is gone with its lease, or is deleted by the guarded delete.
    await this.context.removeKey(this.entry, this.timing);
  }
}
