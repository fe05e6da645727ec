/** Options of `LockExceptionFilter`, by constructor or the `LOCK_EXCEPTION_FILTER_OPTIONS` token. */
export interface LockExceptionFilterOptions {
  /** Status for `LockTimeoutError` (busy, or waited too long). @default 423 */
  lockedStatus?: number;
  /** Status for `LockAcquireError` (etcd unreachable after retries). @default 503 */
  unavailableStatus?: number;
  /**
   * Seconds a caller should wait before retrying: HTTP's `Retry-After` header (left out at `0`)
   * and `retryAfter` in RPC, WebSocket and GraphQL errors. @default 1
   */
  retryAfter?: number;
}

/** The module option: `true` maps with the defaults, options customise, `false` leaves it out. */
export type HttpErrorsOption = boolean | LockExceptionFilterOptions;

/** The JSON body the filter sends. */
export interface LockErrorBody {
  /** The HTTP status sent. */
  statusCode: number;
  /** The status's reason phrase (`Locked`, `Service Unavailable`). */
  error: string;
  /** The error's message. */
  message: string;
  /** The lock name as the caller gave it. */
  lock: string;
}

/**
 * What an RPC caller receives as the error, and a WebSocket client in its `exception` event
 * (with `cause.pattern` added); GraphQL errors carry the same as `extensions`.
 */
export interface LockErrorPayload {
  /** `'locked'`: someone else holds it (retry later); `'unavailable'`: etcd could not be reached. */
  status: 'locked' | 'unavailable';
  /** What happened, without etcd's own words. */
  message: string;
  /** The lock name as the caller gave it. */
  lock: string;
  /** Seconds to wait before retrying; `0` when the filter was told not to say. */
  retryAfter: number;
}
