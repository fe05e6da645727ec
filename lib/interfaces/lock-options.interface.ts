/** What a caller does when the lock is already held. */
export type OnLocked = 'wait' | 'throw' | 'skip';

/** Per-acquisition settings. Each one falls back to the module-wide default. */
export interface LockTimingOptions {
  /**
   * Lease TTL in seconds: how long the lock outlives a holder that died or froze.
   * Renewed in the background while the holder lives. Integer, at least 2.
   * @default 10
   */
  ttl?: number;
  /**
   * Extra attempts after a transient etcd failure (unavailable, deadline, leader change),
   * with exponential backoff and jitter. Waiting for a held lock is not a retry.
   * @default 3
   */
  retries?: number;
  /**
   * First backoff delay in milliseconds between retries; later delays grow exponentially.
   * @default 100
   */
  retryDelay?: number;
  /**
   * How long to wait in line for a held lock, in milliseconds. `0` means do not wait;
   * `Infinity` waits until the lock is free or `signal` aborts.
   * @default 30000
   */
  waitTimeout?: number;
  /**
   * The longest a lock may be held, in milliseconds, however the work is going. After it the
   * lock is let go: its `signal` aborts with `LockLostError` (reason: held longer than
   * maxHold), `withLock` and `@WithLock` reject with that error, and the next waiter gets in.
   * For a method that hangs. Off by default: no value suits both a seat reservation and a
   * migration, so set it for your work, module-wide or per call. Must be at least `holdAtLeast`.
   * @default Infinity
   */
  maxHold?: number;
}

export interface AcquireOptions extends LockTimingOptions {
  /** Aborting it gives up waiting: `acquire` rejects with `LockTimeoutError`. */
  signal?: AbortSignal;
}

/** For work that must not run twice in a row on different replicas, like a cron tick. */
export interface HoldOptions {
  /**
   * Keep the lock at least this many milliseconds after acquiring it, even if the work
   * finished sooner, so a replica whose timer fires a little later skips the same tick.
   * Ends early if the lock is lost or the application shuts down.
   * @default 0
   */
  holdAtLeast?: number;
}

/** Options of `LockService.withLock`. */
export interface WithLockCallOptions extends AcquireOptions, HoldOptions {}

export interface WithLockOptions extends LockTimingOptions, HoldOptions {
  /**
   * `'wait'` queues (up to `waitTimeout`), `'throw'` rejects with `LockTimeoutError` at once,
   * `'skip'` returns `undefined` without running the method.
   * @default 'wait'
   */
  onLocked?: OnLocked;
}

export type ResolvedTimingOptions = Required<LockTimingOptions>;
