import { EtcdLockError } from './etcd-lock.error.js';

/** What `LockModuleMissingError` is built from. */
export interface LockModuleMissingErrorOptions {
  /** The class whose method ran. */
  className: string;
  /** The decorated method. */
  method: string;
  /** The decorator that found no service. */
  decorator: '@WithLock' | '@OnlyLeader' | '@OncePerTick';
}

/**
 * A `@WithLock`, `@OnlyLeader` or `@OncePerTick` method ran on an instance Nest did not
 * create, so it has none of the module's services.
 */
export class LockModuleMissingError extends EtcdLockError {
  /** The class whose method ran. */
  readonly className: string;
  /** The decorated method. */
  readonly method: string;
  /** The decorator that found no service. */
  readonly decorator: '@WithLock' | '@OnlyLeader' | '@OncePerTick';

  constructor({ className, method, decorator }: LockModuleMissingErrorOptions) {
    const service = SERVICES[decorator];
    super(
      `${decorator} on ${className}.${method} has no ${service}: import EtcdLockModule.forRoot() ` +
        `and let Nest create ${className} (instances made with "new" are not wired).`,
    );
    this.className = className;
    this.method = method;
    this.decorator = decorator;
  }
}

const SERVICES = {
  '@WithLock': 'LockService',
  '@OnlyLeader': 'LeaderService',
  '@OncePerTick': 'JobsService',
} as const;
