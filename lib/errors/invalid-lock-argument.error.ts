import { EtcdLockError } from './etcd-lock.error.js';

/** What `InvalidLockArgumentError` is built from. */
export interface InvalidLockArgumentErrorOptions {
  /** The option or argument that was refused (`ttl`, `lock key [1]`, `@WithLock retries`). */
  argument: string;
  /** What is wrong with it, and what it should be. */
  problem: string;
}

/** A key, option or decorator argument is invalid. Thrown before anything reaches etcd. */
export class InvalidLockArgumentError extends EtcdLockError {
  /** The option or argument that was refused. */
  readonly argument: string;
  /** What is wrong with it, and what it should be. */
  readonly problem: string;

  constructor({ argument, problem }: InvalidLockArgumentErrorOptions) {
    super(`Invalid ${argument}: ${problem}`);
    this.argument = argument;
    this.problem = problem;
  }
}
