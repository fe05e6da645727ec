import { EtcdLockError } from './etcd-lock.error.js';

/** What `LockAcquireError` is built from. */
export interface LockAcquireErrorOptions {
  /** The lock name. */
  key: string;
  /** How many times etcd was tried; 0 when nothing was sent. */
  attempts: number;
  /** Why, in words; by default the cause's message. */
  reason?: string;
  /** The last failure. */
  cause?: unknown;
}

/**
 * etcd could not be reached or refused the request after every allowed retry, or the
 * application is shutting down (`attempts` is then 0: nothing was sent).
 */
export class LockAcquireError extends EtcdLockError {
  /** The lock name. */
  readonly key: string;
  /** How many times etcd was tried. */
  readonly attempts: number;

  constructor({ key, attempts, reason, cause }: LockAcquireErrorOptions) {
    const why = reason ?? describe(cause);
    const tried = attempts > 0 ? ` after ${attempts} attempt(s)` : '';
    super(`Lock "${key}" could not be acquired${tried}: ${why}`, { cause });
    this.key = key;
    this.attempts = attempts;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof EtcdLockError) return cause.message; // ours already name the cause
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
