/** The first release of each etcd line whose old leader no longer revokes renewed leases. */
const LEASE_REVOKE_FIXED: Readonly<Record<string, number>> = { '3.4': 31, '3.5': 13 };

/**
 * A warning if etcd `version` has the known bug that costs held locks: a leader paused past
 * the TTL (GC, disk stall, SIGSTOP) resumes and revokes leases that clients kept renewing
 * through the new leader (etcd-io/etcd#15247, fixed in 3.4.31 and 3.5.13). The fault suite
 * sees it on Debian's 3.4.23. No client can prevent it; holders are told at once.
 */
export function leaseRevokeBugIn(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  const line = `${major}.${minor}`;
  const fixedIn = LEASE_REVOKE_FIXED[line];
  const affected =
    major < 3 || (major === 3 && minor < 4) || (fixedIn !== undefined && patch < fixedIn);
  if (!affected) return undefined;
  return (
    `etcd ${version} can revoke every lease when a paused leader resumes ` +
    '(etcd-io/etcd#15247): holders are told at once (LockLostError), but they lose their ' +
    'locks. Upgrade etcd to 3.4.31+, 3.5.13+ or 3.6.'
  );
}
