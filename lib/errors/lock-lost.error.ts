import { EtcdLockError } from './etcd-lock.error.js';

/**
 * The lock can no longer be trusted: its lease expired, was revoked, or the module shut down.
 * Another holder may already be inside the critical section.
 */
export class LockLostError extends EtcdLockError {
  constructor(
    /** The lock name. */
    readonly key: string,
    /** Why it was lost (lease expired, key deleted, released by an operator: ...). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Lock "${key}" was lost: ${reason}`, options);
  }
}
