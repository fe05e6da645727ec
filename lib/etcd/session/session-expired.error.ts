/**
 * Our own queue key or session lease is gone while acquiring. Internal: the acquirer answers it
 * by starting over on a fresh session, so it must reach the acquirer as itself, never wrapped.
 */
export class SessionExpiredError extends Error {}

/** etcd's answer to a request that names a lease it no longer has (expired or revoked). */
export function isLeaseGone(error: unknown): boolean {
  return error instanceof Error && error.message.includes('requested lease not found');
}
