import { EtcdLockError } from './etcd-lock.error.js';

/**
 * A `@WithLock` or `@OnlyLeader` method ran on an instance Nest did not create, so it has no
 * `LockService` or `LeaderService`.
 */
export class LockModuleMissingError extends EtcdLockError {
  constructor(className: string, method: string, decorator = '@WithLock') {
    const service = decorator === '@WithLock' ? 'LockService' : 'LeaderService';
    super(
      `${decorator} on ${className}.${method} has no ${service}: import EtcdLockModule.forRoot() ` +
        `and let Nest create ${className} (instances made with "new" are not wired).`,
    );
  }
}
