import { EtcdLockError } from './etcd-lock.error.js';

/** What `LockModuleMissingError` is built from. */
export interface LockModuleMissingErrorOptions {
  /** The class whose method ran. */
  className: string;
  /** The decorated method. */
  method: string;
  /** The decorator that found no service. */
  decorator: '@WithLock' | '@OnlyLeader';
}

/**
 * A `@WithLock` or `@OnlyLeader` method ran on an instance Nest did not create, so it has no
 * `LockService` or `LeaderService`.
 */
export class LockModuleMissingError extends EtcdLockError {
  /** The class whose method ran. */
  readonly className: string;
  /** The decorated method. */
  readonly method: string;
  /** The decorator that found no service. */
  readonly decorator: '@WithLock' | '@OnlyLeader';

  constructor({ className, method, decorator }: LockModuleMissingErrorOptions) {
    const service = decorator === '@WithLock' ? 'LockService' : 'LeaderService';
    super(
      `${decorator} on ${className}.${method} has no ${service}: import EtcdLockModule.forRoot() ` +
        `and let Nest create ${className} (instances made with "new" are not wired).`,
    );
    this.className = className;
    this.method = method;
    this.decorator = decorator;
  }
}
