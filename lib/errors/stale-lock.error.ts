import { EtcdLockError } from './etcd-lock.error.js';

/** What `StaleLockError` is built from. */
export interface StaleLockErrorOptions {
  /** The fence's name (the lock name, unless the fence was given another). */
  key: string;
  /** The fencing token this holder presented. */
  token: bigint;
  /** The newer token the fence already holds. */
  newer: bigint;
}

/**
 * A later holder of the lock has already fenced the database: this holder's lock is stale (its
 * lease ran out, for example while its process was paused), and its writes must not land.
 * Thrown inside the caller's transaction, which it rolls back.
 */
export class StaleLockError extends EtcdLockError {
  /** The fence's name. */
  readonly key: string;
  /** The fencing token this holder presented. */
  readonly token: bigint;
  /** The newer token the fence already holds. */
  readonly newer: bigint;

  constructor({ key, token, newer }: StaleLockErrorOptions) {
    super(
      `Lock "${key}" is stale: token ${token} was fenced out by token ${newer}, a later holder's. ` +
        'Roll back: another holder has taken the lock since this one did.',
    );
    this.key = key;
    this.token = token;
    this.newer = newer;
  }
}
