/** One lease as this process sees it. */
export interface SessionDiagnostics {
  /** The lease TTL in seconds; every lock taken with this TTL shares the lease. */
  ttl: number;
  /** The etcd lease ID, in decimal. */
  leaseId: string;
  /** Milliseconds until the lease expires unless renewed, by this process's monotonic clock. */
  remainingMs: number;
}

/** A snapshot of this process's locks, as `LockService.stats()` returns it. */
export interface LockStats {
  /** How many locks are held now (reentrant acquisitions not counted twice). */
  held: number;
  /** Callers waiting in line or still enqueueing. */
  waiting: number;
  /** One per lease TTL in use. */
  sessions: SessionDiagnostics[];
  /**
   * The etcd requests that carried enqueues and releases, since start: with group commit,
   * callers coming together share one. Absent for a backend without etcd (the in-memory one).
   */
  batches?: BatchCounts;
}

/** How many etcd requests carried how many enqueues and releases, and the most in one. */
export interface BatchCounts {
  /** etcd requests sent. */
  requests: number;
  /** Enqueues and releases they carried. */
  entries: number;
  /** The most that one request carried. */
  largest: number;
}
