import { EtcdLockError } from './etcd-lock.error.js';

/**
 * etcd could not be reached or refused the request after every allowed retry, or the
 * application is shutting down (`attempts` is then 0: nothing was sent).
 */
export class LockAcquireError extends EtcdLockError {
  constructor(
    /** The lock name. */
    readonly key: string,
    /** How many times etcd was tried. */
    readonly attempts: number,
    options: { cause?: unknown; reason?: string },
  ) {
    const why = options.reason ?? describe(options.cause);
    const tried = attempts > 0 ? ` after ${attempts} attempt(s)` : '';
    super(`Lock "${key}" could not be acquired${tried}: ${why}`, options);
  }
}

function describe(cause: unknown): string {
  if (cause instanceof EtcdLockError) return cause.message; // ours already name the cause
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
