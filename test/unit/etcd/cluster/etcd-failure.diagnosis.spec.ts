import { EtcdPermissionDeniedError, GRPCDeadlineExceededError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { EtcdRequestError, LockTimeoutError } from '../../../../lib/index.js';
import {
  describeEtcdFailure,
  recordFailedHost,
} from '../../../../lib/etcd/cluster/etcd-failure.diagnosis.js';

const grpc = (message: string) => new Error(message);

describe('describeEtcdFailure names the member, the cause and a hint', () => {
  it.each([
    [
      '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1',
      'ECONNREFUSED',
    ],
    ['14 UNAVAILABLE: Name resolution failed for target dns:nowhere.invalid:2379', 'ENOTFOUND'],
    ['14 UNAVAILABLE: No connection established. Last error: Protocol error', 'NOT_ETCD'],
    ['14 UNAVAILABLE: Failed to connect: SSL routines::wrong version number', 'TLS'],
    ['14 UNAVAILABLE: unable to verify the first certificate', 'TLS'],
    ['3 INVALID_ARGUMENT: etcdserver: user name is empty', 'AUTH_FAILED'],
    [
      '9 FAILED_PRECONDITION: etcdserver: authentication failed, invalid user ID or password',
      'AUTH_FAILED',
    ],
    ['14 UNAVAILABLE: etcdserver: leader changed', 'UNAVAILABLE'],
    [
      '14 UNAVAILABLE: No connection established. Last error: Failed to connect (2026-11-26T15:40:53.188Z)',
      'TLS',
    ],
    ['2 UNKNOWN: something new', 'ETCD_ERROR'],
  ])('%s → %s', (message, code) => {
    const error = grpc(message);
    recordFailedHost(error, '10.0.0.7:2379');
    const described = describeEtcdFailure(error) as EtcdRequestError;
    expect(described).toBeInstanceOf(EtcdRequestError);
    expect(described).toMatchObject({ code, host: '10.0.0.7:2379' });
    expect(described.message).toMatch(
      new RegExp(`^etcd at 10\\.0\\.0\\.7:2379 .+ \\(${code}\\)\\. .+`),
    );
    expect(described.cause).toBe(error);
  });

  it("reads etcd3's error classes, and falls back to the configured hosts", () => {
    const denied = describeEtcdFailure(new EtcdPermissionDeniedError('permission denied'));
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', host: 'the configured hosts' });
    const late = describeEtcdFailure(new GRPCDeadlineExceededError('deadline'));
    expect(late).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });

  it("passes the library's own errors through", () => {
    const ours = new LockTimeoutError({ key: 'k', waitedMs: 1, kind: 'timeout' });
    expect(describeEtcdFailure(ours)).toBe(ours);
  });
});
