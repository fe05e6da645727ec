/** What a caller does when the lock is already held. */
export type OnLocked = 'wait' | 'throw' | 'skip';

/** Per-acquisition settings. Each one falls back to the module-wide default. */
export interface LockTimingOptions {
  /**
   * Lease TTL in seconds: how long the lock outlives a holder that died or froze.
   * Renewed in the background while the holder lives. Integer, from 2 to 86400 (one day).
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

/** `'write'` excludes everyone; `'read'` shares the lock with other readers. */
export type LockMode = 'read' | 'write';

/** What kind of exclusion one acquisition asks for. Every holder of a name must agree. */
export interface LockShapeOptions {
  /**
   * `'read'` holders share the lock with each other and exclude `'write'` holders; a `'write'`
   * holder excludes everyone. A writer queued behind readers is served before readers that
   * come after it (FIFO). Not combinable with `permits`.
   * @default 'write'
   */
  mode?: LockMode;
  /**
   * A semaphore: up to this many holders at once, served in FIFO order. An integer from 1 to
   * 1000; `1` is a plain lock. Every holder of the name must pass the same number, or
   * acquiring fails with `PermitsMismatchError`.
   * @default 1
   */
  permits?: number;
}

/** What one entry excludes: a writer everyone, a reader only writers, a semaphore the N+1th. */
export interface LockShape {
  readonly mode: LockMode;
  /** Holders allowed at once; 1 for read and write entries. */
  readonly permits: number;
}

/** How metrics name a call, since lock names often carry ids and would explode a label. */
export interface LockMetricOptions {
  /**
   * The `lock.site` attribute of this call's metrics: a short, fixed name such as
   * `'checkout'` (letters, digits, `_ . : -`, at most 100). `@WithLock` uses `Class.method`
   * unless set; a `LockService` call without it counts as `'unnamed'`. Never the lock name.
   */
  metricName?: string;
}

/** Options of `acquire` and `tryAcquire`: timing, shape, and a signal to stop waiting. */
export interface AcquireOptions extends LockTimingOptions, LockShapeOptions, LockMetricOptions {
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

/** Options of `@WithLock`: timing, shape, and what to do when the lock is busy or released early. */
export interface WithLockOptions
  extends LockTimingOptions, LockShapeOptions, HoldOptions, LockMetricOptions {
  /**
   * `'wait'` queues (up to `waitTimeout`), `'throw'` rejects with `LockTimeoutError` at once,
   * `'skip'` returns `undefined` without running the method.
   * @default 'wait'
   */
  onLocked?: OnLocked;
}

export type ResolvedTimingOptions = Required<LockTimingOptions>;
