import { SessionExpiredError } from '../session/session-expired.error.js';

/** What went wrong in one pass of an acquisition, as the acquirer sees it. */
export interface AcquireFailure {
  error: unknown;
  /** The last enqueue failed in transit: etcd may still apply it after we gave up. */
  enqueueInDoubt: boolean;
  /** The session's lease can no longer be trusted. */
  sessionLost: boolean;
  /** The caller stopped waiting (timeout, its signal, shutdown). */
  callerStopped: boolean;
  restarts: number;
  retries: number;
}

/**
 * - `'drop-lease'`: revoke the session and rethrow. A delete could land before a late put of
 *   the same key and leave a ghost waiter; the revoke removes the key whenever it lands.
 * - `'restart'`: remove our key and start over on a new session (the old one expired).
 * - `'give-up'`: the session kept expiring more often than `retries` allows.
 * - `'throw'`: remove our key and rethrow the error as it is.
 */
export type AcquireFailureAction = 'drop-lease' | 'restart' | 'give-up' | 'throw';

export function classifyAcquireFailure(failure: AcquireFailure): AcquireFailureAction {
  if (failure.enqueueInDoubt) return 'drop-lease';
  const expired =
    failure.error instanceof SessionExpiredError || (failure.sessionLost && !failure.callerStopped);
  if (!expired) return 'throw';
  return failure.restarts >= failure.retries ? 'give-up' : 'restart';
}
