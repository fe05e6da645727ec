import { describe, expect, it } from 'vitest';
import {
  type AcquireFailure,
  classifyAcquireFailure,
} from '../../../../lib/etcd/acquire/acquire-failure.js';
import { SessionExpiredError } from '../../../../lib/etcd/session/session-expired.error.js';
import { LockAcquireError } from '../../../../lib/errors/lock-acquire.error.js';
import { LockTimeoutError } from '../../../../lib/errors/lock-timeout.error.js';

const failure = (overrides: Partial<AcquireFailure>): AcquireFailure => ({
  error: new Error('x'),
  enqueueInDoubt: false,
  sessionLost: false,
  callerStopped: false,
  restarts: 0,
  retries: 3,
  ...overrides,
});

describe('how the acquirer classifies a failed pass', () => {
  it('drops the lease after an enqueue of unknown outcome, whatever else happened', () => {
    const error = new SessionExpiredError('gone');
    expect(classifyAcquireFailure(failure({ error, enqueueInDoubt: true }))).toBe('drop-lease');
  });

  it('restarts on a fresh session when its own key vanished', () => {
    const error = new SessionExpiredError('own queue key vanished');
    expect(classifyAcquireFailure(failure({ error }))).toBe('restart');
  });

  it('restarts when the session was lost under a caller that still waits', () => {
    const error = new LockAcquireError({ key: 'k', attempts: 1, reason: 'watch failed' });
    expect(classifyAcquireFailure(failure({ error, sessionLost: true }))).toBe('restart');
  });

  it('rethrows a timeout even if the session went at the same moment', () => {
    const error = new LockTimeoutError({ key: 'k', waitedMs: 10, kind: 'timeout' });
    const outcome = classifyAcquireFailure(
      failure({ error, sessionLost: true, callerStopped: true }),
    );
    expect(outcome).toBe('throw');
  });

  it('rethrows an etcd failure while the session is fine', () => {
    const error = new LockAcquireError({ key: 'k', attempts: 4, reason: 'unavailable' });
    expect(classifyAcquireFailure(failure({ error }))).toBe('throw');
  });

  it('gives up once the session expired more often than retries allows', () => {
    const error = new SessionExpiredError('again');
    expect(classifyAcquireFailure(failure({ error, restarts: 3, retries: 3 }))).toBe('give-up');
  });
});
