import type { ComparatorBuilder } from 'etcd3';
import type { LockMode } from './lock-options.interface.js';

/** A held lock. Dispose it (`await using`) or call `release()`. */
export interface Lock extends AsyncDisposable {
  /** The lock name as the caller gave it, without the module prefix; several joined by `, `. */
  readonly key: string;
  /** Every name this lock holds, in the order given: one, or several taken together. */
  readonly keys: readonly string[];
  /** `'read'` (shared with other readers) or `'write'`; a semaphore's holders are `'write'`. */
  readonly mode: LockMode;
  /** How many holders the name allows at once: 1, or a semaphore's permits. */
  readonly permits: number;
  /**
   * This holder's own key in etcd for its first name: `<prefix><key>/<leaseHex>_<slot>`, with
   * `read/` or `sem-<permits>/` before the last part for read locks and semaphores.
   */
  readonly etcdKey: string;
  /**
   * Strictly increasing across successive holders of one name (the key's create revision;
   * all names of one lock share it).
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
