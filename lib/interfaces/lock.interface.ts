import type { ComparatorBuilder } from 'etcd3';

/** A held lock. Dispose it (`await using`) or call `release()`. */
export interface Lock extends AsyncDisposable {
  /** The lock name as the caller gave it, without the module prefix. */
  readonly key: string;
  /** This holder's own key in etcd (`<prefix><key>/<leaseHex>_<slot>`). */
  readonly etcdKey: string;
  /**
   * Strictly increasing across successive holders of one name (the key's create revision).
   * Pass it to the protected resource and have it reject tokens older than the newest seen.
   */
  readonly fencingToken: bigint;
  /** Aborts with `LockLostError` when the lease is lost; stop work and do not commit. */
  readonly signal: AbortSignal;
  /** False once released or lost. A local view: only fenced writes are proof. */
  readonly held: boolean;
  /** True for a nested acquisition in the same async context; its release is a no-op. */
  readonly reentrant: boolean;
  /**
   * Starts an etcd transaction that applies only while this lock is still held:
   * `await lock.ifHeld().then(client.put(k).value(v)).commit()` → check `succeeded`.
   */
  ifHeld(): ComparatorBuilder;
  /** Deletes this holder's key (never anyone else's). Safe to call more than once. */
  release(): Promise<void>;
}
