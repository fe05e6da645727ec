import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdLockError } from '../../errors/etcd-lock.error.js';
import { LockAcquireError } from '../../errors/lock-acquire.error.js';
import {
  describeEtcdFailure,
  isLeaderless,
  isTransientEtcdError,
} from '../cluster/etcd-failure.diagnosis.js';
import { SessionExpiredError } from '../session/session-expired.error.js';

export interface RetrySettings {
  retries: number;
  retryDelay: number;
}

/**
 * Runs one idempotent etcd step, retrying transient failures with exponential backoff
 * and jitter (from `retryDelay`, doubling, at most 32 times it), and a whole election after
 * "no leader". An etcd error, transient or not, becomes `LockAcquireError` once no retry is
 * left; the library's own errors pass through as they are.
 */
export async function withTransientRetry<T>(
  key: string,
  settings: RetrySettings,
  step: () => Promise<T>,
  /** Stops the retries; read only once a try failed, so a signal made on demand stays unmade. */
  caller?: { readonly signal: AbortSignal },
): Promise<T> {
  try {
    // The first attempt runs bare: the retry loop is entered only once something failed.
    return await step();
  } catch (first) {
    return retryAfter(key, settings, step, first, caller?.signal);
  }
}

/**
 * etcd's default election timeout. A member without a leader answers at once, but none will
 * have one sooner than this: retrying earlier spends the attempts inside one election (a
 * rejoining member forced one at start-up in a fault run, and 4 attempts went in 1.4 s).
 */
export const LEADERLESS_PAUSE_MS = 1_000;

/** How long to wait before the next try: the jittered backoff, or a whole election. */
export function pauseBefore(error: unknown, backoffMs: number): number {
  const jittered = backoffMs * (0.5 + Math.random());
  return isLeaderless(error) ? Math.max(jittered, LEADERLESS_PAUSE_MS) : jittered;
}

async function retryAfter<T>(
  key: string,
  settings: RetrySettings,
  step: () => Promise<T>,
  first: unknown,
  signal: AbortSignal | undefined,
): Promise<T> {
  let error = first;
  let backoff = settings.retryDelay;
  for (let attempts = 1; ; attempts++) {
    if (attempts > settings.retries || !isTransientEtcdError(error) || signal?.aborted) {
      throw asLockError(key, attempts, error, signal);
    }
    try {
      await sleep(pauseBefore(error, backoff), undefined, { signal });
    } catch {
      throw asLockError(key, attempts, error, signal);
    }
    backoff = Math.min(backoff * 2, settings.retryDelay * 32);
    try {
      return await step();
    } catch (next) {
      error = next;
    }
  }
}

function asLockError(key: string, attempts: number, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  // Ours already say what happened; the acquirer restarts on SessionExpiredError itself.
  if (error instanceof EtcdLockError || error instanceof SessionExpiredError) return error;
  return new LockAcquireError({ key, attempts, cause: describeEtcdFailure(error) });
}
