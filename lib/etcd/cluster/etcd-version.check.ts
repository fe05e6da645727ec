/** The first release of each etcd line whose old leader no longer revokes renewed leases. */
const LEASE_REVOKE_FIXED: Readonly<Record<string, number>> = { '3.4': 31, '3.5': 13 };

/**
 * A warning if etcd `version` has the known bug that costs held locks: a leader paused past
 * the TTL (GC, disk stall, SIGSTOP) resumes and revokes leases that clients kept renewing
 * through the new leader (etcd-io/etcd#15247, fixed in 3.4.31 and 3.5.13). The fault suite
 * sees it on Debian's 3.4.23. No client can prevent it; holders are told at once.
 */
export function leaseRevokeBugIn(version: string): string | undefined {
  if (!before(version, LEASE_REVOKE_FIXED, '3.6')) return undefined;
  return (
    `etcd ${version} can revoke every lease when a paused leader resumes ` +
    '(etcd-io/etcd#15247): holders are told at once (LockLostError), but they lose their ' +
    'locks. Upgrade etcd to 3.4.31+, 3.5.13+ or 3.6.'
  );
}

/** The first release of each etcd line that checks permissions inside nested transactions. */
const NESTED_TXN_AUTH_FIXED: Readonly<Record<string, number>> = { '3.4': 42, '3.5': 28, '3.6': 9 };

/**
 * A warning if etcd `version` skips the permission checks of operations inside a nested
 * transaction (fixed in 3.4.42, 3.5.28 and 3.6.9). Group commit nests each enqueue, so on such
 * a release a batch would take a lock on a name the user's role may not write, where the same
 * enqueue alone is refused.
 */
export function nestedTxnAuthBugIn(version: string): string | undefined {
  if (!before(version, NESTED_TXN_AUTH_FIXED, '3.7')) return undefined;
  return (
    `etcd ${version} does not check permissions inside nested transactions, which group ` +
    "commit sends: a batch could take a lock that the user's role denies. Upgrade etcd to " +
    '3.4.42+, 3.5.28+ or 3.6.9+, or set groupCommit: false.'
  );
}

/** Whether `version` is older than the fix: `fixedIn` per line, and every line from `fixedLine`. */
function before(version: string, fixedIn: Readonly<Record<string, number>>, fixedLine: string) {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  const fixed = fixedIn[`${major}.${minor}`];
  if (fixed !== undefined) return patch < fixed;
  const [fixedMajor, fixedMinor] = fixedLine.split('.').map(Number) as [number, number];
  return major < fixedMajor || (major === fixedMajor && minor < fixedMinor);
}
