import type { LockMode } from './lock-options.interface.js';

/** One entry in a lock's queue: a holder or a waiter, from any client. */
export interface LockEntry {
  /** The entry's etcd key (`Lock.key` is the lock name; this is where the entry is stored). */
  readonly etcdKey: string;
  /**
   * The entry's etcd key.
   * @deprecated Use `etcdKey`: `key` is the lock name everywhere else. Removed in the next minor version.
   */
  readonly key: string;
  /** Its fencing token: the key's create revision. */
  readonly token: bigint;
  /** `hostname/pid` of the process that queued it; `undefined` for other clients' entries. */
  readonly owner: string | undefined;
  /** The host part of `owner`. */
  readonly hostname: string | undefined;
  /** The process id part of `owner`. */
  readonly pid: number | undefined;
  /** When it queued; `undefined` when its writer did not say (other clients, elections). */
  readonly since: Date | undefined;
  /** Seconds until its lease expires unless renewed (a live holder renews it every TTL/3). */
  readonly ttlRemaining: number;
  /** `'read'` for a read lock's entry; `'write'` otherwise (plain locks, semaphores). */
  readonly mode: LockMode;
  /** The semaphore's permits, as the entry's key says; 1 for every other lock. */
  readonly permits: number;
}

/** A lock name's queue now: who holds it and who waits, oldest first. */
export interface LockInfo {
  /** The lock name, relative to the module's prefix. */
  readonly name: string;
  /** Who holds it now: one entry, or several for a semaphore or readers. */
  readonly holders: readonly LockEntry[];
  /** Who waits for it, oldest first. */
  readonly waiters: readonly LockEntry[];
}

/** Options of `LockService.list` and `watch`. */
export interface ListLocksOptions {
  /** Only names that start with it (relative to the module's `prefix`). @default '' (all) */
  prefix?: string;
}

/** Options of `LockService.forceRelease`. */
export interface ForceReleaseOptions {
  /** Why, for the audit trail: in the `lock.force-released` event and the holder's error. */
  reason: string;
}
