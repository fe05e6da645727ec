/** Options of `LockExceptionFilter`, by constructor or the `LOCK_EXCEPTION_FILTER_OPTIONS` token. */
export interface LockExceptionFilterOptions {
  /** Status for `LockTimeoutError` (busy, or waited too long). @default 423 */
  lockedStatus?: number;
  /** Status for `LockAcquireError` (etcd unreachable after retries). @default 503 */
  unavailableStatus?: number;
  /** `Retry-After` header, in whole seconds; `0` leaves it out. @default 1 */
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
