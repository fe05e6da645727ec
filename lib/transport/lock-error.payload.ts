import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import type { LockAcquireError } from '../errors/lock-acquire.error.js';
import type { LockErrorPayload } from '../interfaces/lock-exception-filter-options.interface.js';

/**
 * What every transport tells the caller: busy or unavailable, which lock, when to retry. An
 * unavailable lock's message is generic: etcd's own words (hosts, users, prefixes) go to the
 * server's log, never to a client.
 */
export function lockErrorPayload(
  error: LockTimeoutError | LockAcquireError,
  retryAfter: number,
): LockErrorPayload {
  const locked = error instanceof LockTimeoutError;
  return {
    status: locked ? 'locked' : 'unavailable',
    message: locked ? error.message : `Lock "${error.key}" is unavailable; try again later`,
    lock: error.key,
    retryAfter,
  };
}
