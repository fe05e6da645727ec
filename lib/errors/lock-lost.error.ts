import { EtcdLockError } from './etcd-lock.error.js';

/** What `LockLostError` is built from. */
export interface LockLostErrorOptions {
  /** The lock name. */
  key: string;
  /** Why it was lost (lease expired, key deleted, released by an operator: ...). */
  reason: string;
  /** What reported the loss, if anything did. */
  cause?: unknown;
}

/**
 * The lock can no longer be trusted: its lease expired, was revoked, or the module shut down.
 * Another holder may already be inside the critical section.
 */
export class LockLostError extends EtcdLockError {
  /** The lock name. */
  readonly key: string;
  /** Why it was lost (lease expired, key deleted, released by an operator: ...). */
  readonly reason: string;

  constructor({ key, reason, cause }: LockLostErrorOptions) {
    super(`Lock "${key}" was lost: ${reason}`, cause === undefined ? undefined : { cause });
    this.key = key;
    this.reason = reason;
  }
}
