import type { LockErrorPayload } from '../interfaces/lock-exception-filter-options.interface.js';

/**
 * The error a GraphQL resolver throws for a lock error. graphql-js wraps it in a `GraphQLError`
 * that takes its `extensions`, so Apollo answers `extensions.code` `LOCKED` or `UNAVAILABLE`
 * (tested), with no dependency on `graphql` here. The stack is the one line of the message:
 * a busy lock is an answer, not a crash, and servers that print stacks in development print none.
 */
export function graphqlLockError(payload: LockErrorPayload): Error {
  const error = new Error(payload.message);
  error.name = payload.status === 'locked' ? 'LockedError' : 'UnavailableError';
  error.stack = `${error.name}: ${payload.message}`;
  return Object.assign(error, {
    extensions: {
      code: payload.status === 'locked' ? 'LOCKED' : 'UNAVAILABLE',
      lock: payload.lock,
      retryAfter: payload.retryAfter,
    },
  });
}
