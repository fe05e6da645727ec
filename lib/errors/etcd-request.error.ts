import { EtcdLockError } from './etcd-lock.error.js';

/** What went wrong between the library and etcd, as far as it can tell. */
export type EtcdFailureCode =
  | 'ECONNREFUSED'
  | 'ENOTFOUND'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_ETCD'
  | 'TLS'
  | 'AUTH_FAILED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'ETCD_ERROR';

/** What `EtcdRequestError` is built from. */
export interface EtcdRequestErrorOptions {
  /** The member the request went to, as configured (`host:port` or URL). */
  host: string;
  /** What failed, as one of a few causes users meet. */
  code: EtcdFailureCode;
  /** What happened, in words ("refused the connection"). */
  detail: string;
  /** What to check first. */
  hint: string;
  /** The client's own error. */
  cause: unknown;
}

/**
 * A request to etcd failed: names the member, the cause and a hint. `LockService.ping()`
 * rejects with it, and it is the `cause` of a `LockAcquireError` that etcd caused.
 */
export class EtcdRequestError extends EtcdLockError {
  /** The member the request went to, as configured (`host:port` or URL). */
  readonly host: string;
  /** What failed, as one of a few causes users meet (ECONNREFUSED, AUTH_FAILED, ...). */
  readonly code: EtcdFailureCode;
  /** What happened, in words. */
  readonly detail: string;
  /** What to check first. */
  readonly hint: string;

  constructor({ host, code, detail, hint, cause }: EtcdRequestErrorOptions) {
    super(`etcd at ${host} ${detail} (${code}). ${hint}`, { cause });
    this.host = host;
    this.code = code;
    this.detail = detail;
    this.hint = hint;
  }
}
