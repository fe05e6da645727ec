import { EtcdLockError } from './etcd-lock.error.js';

/** A key, option or decorator argument is invalid. Thrown before anything reaches etcd. */
export class InvalidLockArgumentError extends EtcdLockError {
  constructor(
    /** The option or argument that was refused. */
    readonly argument: string,
    message: string,
  ) {
    super(`Invalid ${argument}: ${message}`);
  }
}
