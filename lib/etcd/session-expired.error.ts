/**
 * Our own queue key or session lease is gone while acquiring. Internal: the acquirer answers it
 * by starting over on a fresh session, so it must reach the acquirer as itself, never wrapped.
 */
export class SessionExpiredError extends Error {}
