import { BrokenCircuitError } from 'cockatiel';
import { GRPCDeadlineExceededError, GRPCUnavailableError, EtcdPermissionDeniedError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { SessionExpiredError } from '../../../../lib/etcd/session/session-expired.error.js';
import { isTransientEtcdError } from '../../../../lib/etcd/cluster/etcd-failure.diagnosis.js';
import {
  LEADERLESS_PAUSE_MS,
  pauseBefore,
  withTransientRetry,
} from '../../../../lib/etcd/acquire/transient-retry.js';
import { LockAcquireError } from '../../../../lib/errors/lock-acquire.error.js';
import { LockTimeoutError } from '../../../../lib/errors/lock-timeout.error.js';

const settings = { retries: 3, retryDelay: 1 };

/** A step that fails with each of `errors` in turn, then answers 'ok'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const step = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'ok';
  };
  return { step, calls: () => calls };
}

describe('which etcd errors are worth another try', () => {
  it('retries unavailable, deadline and an open circuit', () => {
    expect(isTransientEtcdError(new GRPCUnavailableError('down'))).toBe(true);
    expect(isTransientEtcdError(new GRPCDeadlineExceededError('slow'))).toBe(true);
    expect(isTransientEtcdError(new BrokenCircuitError())).toBe(true);
  });

  it('does not retry a permission error, our own errors, or a plain bug', () => {
    expect(isTransientEtcdError(new EtcdPermissionDeniedError('no'))).toBe(false);
    expect(isTransientEtcdError(new SessionExpiredError('gone'))).toBe(false);
    expect(isTransientEtcdError(new TypeError('bug'))).toBe(false);
  });
});

describe('running a step with transient retries', () => {
  it('succeeds after transient failures, within retries', async () => {
    const { step, calls } = failing(new GRPCUnavailableError('a'), new GRPCUnavailableError('b'));
    await expect(withTransientRetry('k', settings, step)).resolves.toBe('ok');
    expect(calls()).toBe(3);
  });

  it('gives up after retries with LockAcquireError counting every attempt', async () => {
    const { step, calls } = failing(...Array(9).fill(new GRPCUnavailableError('down')));
    const error = await withTransientRetry('k', settings, step).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockAcquireError);
    expect((error as LockAcquireError).attempts).toBe(4);
    expect(calls()).toBe(4);
  });

  it('does not retry a permanent etcd error, and wraps it once', async () => {
    const { step, calls } = failing(new EtcdPermissionDeniedError('denied'));
    const error = await withTransientRetry('k', settings, step).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockAcquireError);
    expect((error as Error).message).toMatch(/after 1 attempt\(s\).*denied/);
    expect(calls()).toBe(1);
  });

  it('passes SessionExpiredError through unwrapped, so the acquirer can restart on it', async () => {
    const { step } = failing(new SessionExpiredError('own queue key vanished'));
    await expect(withTransientRetry('k', settings, step)).rejects.toBeInstanceOf(
      SessionExpiredError,
    );
  });

  it('passes the library’s own errors through unwrapped', async () => {
    const timeout = new LockTimeoutError({ key: 'k', waitedMs: 5, kind: 'timeout' });
    await expect(withTransientRetry('k', settings, failing(timeout).step)).rejects.toBe(timeout);
  });

  it('answers with the abort reason once the caller stopped waiting', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const step = async () => {
      controller.abort(reason);
      throw new GRPCUnavailableError('down');
    };
    await expect(withTransientRetry('k', settings, step, controller)).rejects.toBe(reason);
  });
});

describe('the pause before the next try', () => {
  it('is the backoff with jitter, from half to one and a half times it', () => {
    const pauses = Array.from({ length: 200 }, () =>
      pauseBefore(new GRPCUnavailableError('down'), 100),
    );
    expect(Math.min(...pauses)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...pauses)).toBeLessThan(150);
  });

  it('is a whole election after "no leader", however short the backoff: no member has one sooner', () => {
    const leaderless = new GRPCUnavailableError('etcdserver: no leader');
    expect(pauseBefore(leaderless, 1)).toBe(LEADERLESS_PAUSE_MS);
    expect(pauseBefore(leaderless, 4_000)).toBeGreaterThanOrEqual(2_000);
  });
});
