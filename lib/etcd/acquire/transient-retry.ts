import { setTimeout as sleep } from 'node:timers/promises';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { EtcdLockError } from '../../errors/etcd-lock.error.js';
import { LockAcquireError } from '../../errors/lock-acquire.error.js';
import { describeEtcdFailure, isTransientEtcdError } from '../cluster/etcd-failure.diagnosis.js';
import { SessionExpiredError } from '../session/session-expired.error.js';

export interface RetrySettings {
  retries: number;
  retryDelay: number;
}

/**
 * Runs one idempotent etcd step, retrying transient failures with exponential backoff
 * and jitter. An etcd error, transient or not, becomes `LockAcquireError` once no retry is
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
    // The first attempt runs bare: the policy's bookkeeping is only paid once something failed.
    return await step();
  } catch (first) {
    return retryAfter(key, settings, step, first, caller?.signal);
  }
}

async function retryAfter<T>(
  key: string,
  settings: RetrySettings,
  step: () => Promise<T>,
  first: unknown,
  signal: AbortSignal | undefined,
): Promise<T> {
  let attempts = 1;
  if (settings.retries === 0 || !isTransientEtcdError(first) || signal?.aborted) {
    throw asLockError(key, attempts, first, signal);
  }
  const retries = policyFor({ retries: settings.retries - 1, retryDelay: settings.retryDelay * 2 });
  try {
    await sleep(settings.retryDelay * (0.5 + Math.random()), undefined, { signal });
    return await retries.execute(() => {
      attempts++;
      return step();
    }, signal);
  } catch (error) {
    throw asLockError(key, attempts, error, signal);
  }
}

function asLockError(key: string, attempts: number, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  // Ours already say what happened; the acquirer restarts on SessionExpiredError itself.
  if (error instanceof EtcdLockError || error instanceof SessionExpiredError) return error;
  return new LockAcquireError(key, attempts, { cause: describeEtcdFailure(error) });
}

const policies = new Map<string, RetryPolicy>();

/** Policies are stateless between executions, so one per setting serves every call. */
function policyFor({ retries, retryDelay }: RetrySettings): RetryPolicy {
  const id = `${retries}:${retryDelay}`;
  let policy = policies.get(id);
  if (!policy) {
    const initialDelay = Math.max(1, retryDelay);
    policy = retry(handleWhen(isTransientEtcdError), {
      maxAttempts: retries,
      backoff: new ExponentialBackoff({ initialDelay, maxDelay: initialDelay * 32 }),
    });
    policies.set(id, policy);
  }
  return policy;
}
