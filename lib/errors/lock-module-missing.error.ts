import { EtcdLockError } from './etcd-lock.error.js';

/** A `@WithLock` method ran on an instance Nest did not create, so it has no `LockService`. */
export class LockModuleMissingError extends EtcdLockError {
  constructor(className: string, method: string) {
    super(
      `@WithLock on ${className}.${method} has no LockService: import EtcdLockModule.forRoot() ` +
        `and let Nest create ${className} (instances made with "new" are not wired).`,
    );
  }
}
