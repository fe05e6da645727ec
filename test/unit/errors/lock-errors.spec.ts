import { describe, expect, it } from 'vitest';
import {
  EtcdLockError,
  EtcdRequestError,
  InvalidLockArgumentError,
  LockAcquireError,
  LockLostError,
  LockModuleMissingError,
  LockTimeoutError,
  PermitsMismatchError,
  SelfDeadlockError,
} from '../../../lib/index.js';

describe('lock errors', () => {
  it('are built from one options object, keep its fields, and name themselves', () => {
    const error = new LockTimeoutError({ key: 'seat', waitedMs: 1200.4, kind: 'timeout' });
    expect(error).toBeInstanceOf(EtcdLockError);
    expect(error.name).toBe('LockTimeoutError');
    expect([error.key, error.waitedMs, error.kind]).toEqual(['seat', 1200.4, 'timeout']);
    expect(error.message).toBe('Lock "seat" was not acquired within 1200 ms (waitTimeout elapsed)');
    expect('cause' in error).toBe(false);
  });

  it('append a hint and keep a cause when given one', () => {
    const cause = new Error('aborted');
    const error = new LockTimeoutError({
      key: 'k',
      waitedMs: 5,
      kind: 'aborted',
      hint: 'Try again',
      cause,
    });
    expect(error.message).toBe(
      'Lock "k" was not acquired within 5 ms (aborted by signal). Try again',
    );
    expect(error.cause).toBe(cause);
  });

  it("describe an acquisition failure by its reason, or else by the cause's message", () => {
    const refused = new EtcdRequestError({
      host: '127.0.0.1:2379',
      code: 'ECONNREFUSED',
      detail: 'refused the connection',
      hint: 'Is etcd running?',
      cause: new Error('connect ECONNREFUSED'),
    });
    expect(refused.message).toBe(
      'etcd at 127.0.0.1:2379 refused the connection (ECONNREFUSED). Is etcd running?',
    );
    const failed = new LockAcquireError({ key: 'k', attempts: 4, cause: refused });
    expect(failed.message).toBe(
      `Lock "k" could not be acquired after 4 attempt(s): ${refused.message}`,
    );
    const shutdown = new LockAcquireError({ key: 'k', attempts: 0, reason: 'shutting down' });
    expect(shutdown.message).toBe('Lock "k" could not be acquired: shutting down');
  });

  it('name both shapes when holders of one name disagree', () => {
    const error = new PermitsMismatchError({
      key: 'pool',
      mode: 'write',
      permits: 3,
      queuedPermits: 1,
    });
    expect(error.message).toContain('asked for as a semaphore of 3 permits');
    expect(error.message).toContain('already holds an entry of a lock (write, one holder)');
    expect([error.permits, error.queuedPermits]).toEqual([3, 1]);
  });

  it('say why a self-deadlock would never end: nested names, or the same name in another shape', () => {
    const nested = new SelfDeadlockError({ key: 'a', heldKey: 'a/b', heldAt: 'job.ts:3' });
    expect(nested.message).toContain('and "a" queues behind every lock named "a/…"');
    const same = new SelfDeadlockError({
      key: 'a, c',
      heldKey: 'a',
      heldAt: 'job.ts:3',
      sameName: { name: 'a', heldAs: { mode: 'read', permits: 1 } },
    });
    expect(same.message).toContain(
      'its queue for "a" would put it behind that lock (held as a read lock)',
    );
  });

  it('name the argument, the decorator and the service that is missing', () => {
    const invalid = new InvalidLockArgumentError({
      argument: 'ttl',
      problem: 'expected 2 or more',
    });
    expect([invalid.argument, invalid.message]).toEqual(['ttl', 'Invalid ttl: expected 2 or more']);
    const missing = new LockModuleMissingError({
      className: 'Jobs',
      method: 'run',
      decorator: '@OnlyLeader',
    });
    expect(missing.message).toMatch(/^@OnlyLeader on Jobs\.run has no LeaderService/);
    const lost = new LockLostError({ key: 'k', reason: 'lease expired' });
    expect([lost.key, lost.reason, lost.message]).toEqual([
      'k',
      'lease expired',
      'Lock "k" was lost: lease expired',
    ]);
  });
});
