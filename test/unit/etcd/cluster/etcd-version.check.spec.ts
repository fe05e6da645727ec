import { describe, expect, it } from 'vitest';
import {
  leaseRevokeBugIn,
  nestedTxnAuthBugIn,
} from '../../../../lib/etcd/cluster/etcd-version.check.js';

describe('the start-up check of the etcd version', () => {
  it.each(['3.4.23', '3.4.30', '3.5.0', '3.5.12', '3.3.27'])(
    'warns that %s can revoke every lease when a paused leader resumes, and names the fix',
    (version) => {
      const warning = leaseRevokeBugIn(version);
      expect(warning).toContain(`etcd ${version} can revoke every lease`);
      expect(warning).toContain('etcd-io/etcd#15247');
      expect(warning).toContain('Upgrade etcd to 3.4.31+, 3.5.13+ or 3.6.');
    },
  );

  it.each(['3.4.31', '3.4.37', '3.5.13', '3.5.21', '3.6.0', '3.6.4', '4.0.0'])(
    'says nothing of %s, which has the fix',
    (version) => expect(leaseRevokeBugIn(version)).toBeUndefined(),
  );

  it('says nothing of a version it cannot read, rather than guess', () => {
    expect(leaseRevokeBugIn('')).toBeUndefined();
    expect(leaseRevokeBugIn('not-a-version')).toBeUndefined();
  });
});

describe('the start-up warning for etcd releases that skip permission checks in nested transactions', () => {
  it.each(['3.3.27', '3.4.23', '3.4.41', '3.5.27', '3.6.8'])(
    'names %s, which group commit could get past a role with',
    (version) => {
      const warning = nestedTxnAuthBugIn(version);
      expect(warning).toContain(`etcd ${version} does not check permissions`);
      expect(warning).toContain('3.4.42+, 3.5.28+ or 3.6.9+, or set groupCommit: false');
    },
  );

  it.each(['3.4.42', '3.5.28', '3.6.9', '3.7.0', '4.0.0', 'not-a-version'])(
    'says nothing of %s',
    (version) => expect(nestedTxnAuthBugIn(version)).toBeUndefined(),
  );
});
