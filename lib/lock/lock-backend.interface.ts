import type { Observable } from 'rxjs';
import type { LockLostError } from '../errors/lock-lost.error.js';
import type { Lock } from '../interfaces/lock.interface.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import type { BatchCounts, SessionDiagnostics } from '../interfaces/lock-stats.interface.js';
import type { LockShape } from './lock-shape.js';
import type { QueuedEntry } from './queue-rules.js';
import type { RecordStore } from './record-store.interface.js';

/** `'try'` never queues: a held lock answers `null` at once. */
export type AcquireMode = 'wait' | 'try';

/** A lock as a backend hands it out: the service also needs to know whether it was lost. */
export interface HeldLock extends Lock {
  lostError(): LockLostError | undefined;
  /** Resolves with the loss as soon as it is noticed; never rejects. */
  whenLost(): Promise<LockLostError>;
  /** Treats the lock as lost and lets it go after `ms` (`Infinity`: never). */
  limitHold(ms: number): void;
  /** Records the loss (once) and tells the holder and the observer. */
  markLost(reason: string, cause?: unknown): void;
  /** Replaces the entry's value while it is still held; false if it no longer is. */
  setValue(value: string): Promise<boolean>;
}

/** The oldest entry under a name: its holder (or leader), and the entry's token. */
export interface QueueHead {
  readonly value: string;
  readonly token: bigint;
}

/** One entry as stored, for inspection: its queue place, its key and value, its lease. */
export interface StoredEntry extends QueuedEntry {
  readonly key: string;
  readonly value: string;
  /** Seconds until the entry's lease expires unless renewed. */
  readonly ttlRemaining: number;
}

/** Which entries to list: one name's queue (with nested names), or every name with a prefix. */
export type EntryScope = { readonly name: string } | { readonly prefix: string };

/** Told what happens to a lock after it was handed out. Must not throw. */
export interface LockObserver {
  released(lock: HeldLock): void;
  lost(lock: HeldLock, error: LockLostError): void;
}

/**
 * One queue entry to create: in the queue of each of `keys` at once, in one `shape`. Every
 * backend learns what to create through this request.
 */
export interface AcquireRequest {
  /** How errors and events name it: the names, joined. */
  key: string;
  /** One or more names, distinct, all taken or none. */
  keys: readonly string[];
  shape: LockShape;
  timing: ResolvedTimingOptions;
  mode: AcquireMode;
  /** The caller stops waiting when any of them aborts (its own signal, shutdown). */
  signals: readonly AbortSignal[];
  observer: LockObserver;
  /** Called once if the caller has to queue behind another holder. */
  onQueued?: () => void;
  /** Stored with the entry, as an election's proposal is. @default `hostname/pid` */
  value?: string;
}

/**
 * Where locks live: etcd in production, memory in users' unit tests. Every backend keeps this
 * contract, and `test/backend-parity.spec.ts` runs one suite on each to prove it:
 * 1. **Exclusion.** At most one writer per name, or any number of readers, or up to `permits`
 *    holders of a semaphore; a name also waits for every older entry under `<name>/` (names
 *    nest like etcd prefixes: `a` queues behind `a/b`). Several names are taken all or none.
 * 2. **FIFO.** Waiters are served in the order their entries were created.
 * 3. **Fencing.** `fencingToken` strictly increases across successive holders of a name.
 * 4. **Try leaves nothing.** A `'try'` that finds the lock held returns `null` and leaves no
 *    entry behind, so an immediate retry is not queued behind itself.
 * 5. **Giving up leaves nothing.** A waiter that times out or is aborted removes its entry.
 * 6. **Loss is told.** A holder whose entry goes away without `release()` (lease expiry,
 *    `close`) has its `signal` aborted with `LockLostError` and its observer told.
 * 7. **Close loses every lock** this backend handed out, and frees its resources. A lock whose
 *    work still runs (`running`) is told it is lost too, but its entry stays until the store
 *    would let it go on its own (the lease runs out; in memory: its release), so no one else
 *    gets in while that work runs.
 * 8. **Shapes agree.** An entry whose permits differ from an entry in the same queue is
 *    refused with `PermitsMismatchError` and leaves nothing.
 * 9. **Records compare and set.** A record write lands only at the version last read; every
 *    write moves the version on; records outlive every session and are never listed.
 */
/** A lease renewal that went out, or came back, later than it should have. */
export interface LateRenewal {
  /** The lease, in hex, as `etcdctl lease list` shows it. */
  readonly leaseHex: string;
  /** The lease's TTL, in seconds. */
  readonly ttl: number;
  /** `'sent'`: the timer fired late (a blocked event loop); `'answered'`: etcd answered late. */
  readonly phase: 'sent' | 'answered';
  /** How late, in ms. */
  readonly lateMs: number;
  /** What was left of the lease then, in ms: at 0 its locks are lost. */
  readonly remainingMs: number;
  /** The names of the locks on the lease. */
  readonly keys: readonly string[];
}

export interface LockBackend extends RecordStore {
  acquire(request: AcquireRequest): Promise<HeldLock | null>;
  /** Resolves if the store answers a request; rejects with its error otherwise. */
  ping(): Promise<void>;
  /** Known defects of the store's version that cost locks, each with its fix; none if empty. */
  serverWarnings(): Promise<string[]>;
  /** The oldest entry under `<name>/` now, if any. */
  head(name: string): Promise<QueueHead | undefined>;
  /** The head now, then every change of it (holder, or its value), until unsubscribed. */
  watchHead(name: string): Observable<QueueHead | undefined>;
  /** The entries in `scope` now, oldest first, whoever wrote them. */
  listEntries(scope: EntryScope): Promise<StoredEntry[]>;
  /**
   * The entries in `scope` now, then again after changes there, until unsubscribed: reads at
   * least `minGapMs` apart, and always one after the last change.
   */
  watchEntries(scope: EntryScope, minGapMs: number): Observable<StoredEntry[]>;
  /**
   * Deletes each entry that is still the same incarnation (same key, same token), and has its
   * holder, in whichever process, lose it with `reason`. Resolves with the entries deleted.
   */
  forceRemove(entries: readonly StoredEntry[], reason: string): Promise<StoredEntry[]>;
  sessions(): SessionDiagnostics[];
  /** The requests that carried enqueues and releases, for a backend that batches them. */
  batches?(): BatchCounts;
  /** Lease renewals sent or answered late, for a backend that renews leases. */
  readonly lateRenewals$?: Observable<LateRenewal>;
  /**
   * Lets every lock go at once (revoking leases) and frees resources; the locks in `running`
   * keep their entries until their lease runs out (see 7 above).
   */
  close(reason: string, running?: readonly HeldLock[]): Promise<void>;
}
