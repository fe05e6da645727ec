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

/**
 * A request to etcd failed: names the member, the cause and a hint. `LockService.ping()`
 * rejects with it, and it is the `cause` of a `LockAcquireError` that etcd caused.
 */
export class EtcdRequestError extends EtcdLockError {
  constructor(
    /** The member the request went to, as configured (`host:port` or URL). */
    readonly host: string,
    /** What failed, as one of a few causes users meet (ECONNREFUSED, AUTH_FAILED, ...). */
    readonly code: EtcdFailureCode,
    /** What happened, in words. */
    readonly detail: string,
    /** What to check first. */
    readonly hint: string,
    options: { cause: unknown },
  ) {
    super(`etcd at ${host} ${detail} (${code}). ${hint}`, options);
  }
}
