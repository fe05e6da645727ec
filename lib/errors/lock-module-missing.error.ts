import { EtcdLockError } from './etcd-lock.error.js';

/** What `LockModuleMissingError` is built from. */
export interface LockModuleMissingErrorOptions {
  /** The class whose method ran. */
  className: string;
  /** The decorated method. */
  method: string;
  /** The decorator that found no service. */
  decorator: '@WithLock' | '@OnlyLeader' | '@OncePerTick';
  /** Found when Nest built the class (so the module is not imported), rather than at a call. */
  atBoot?: boolean;
}

/**
 * A `@WithLock`, `@OnlyLeader` or `@OncePerTick` class was built where `EtcdLockModule` is not
 * imported (thrown at boot), or its method ran on an instance Nest did not create.
 */
export class LockModuleMissingError extends EtcdLockError {
  /** The class whose method ran. */
  readonly className: string;
  /** The decorated method. */
  readonly method: string;
  /** The decorator that found no service. */
  readonly decorator: '@WithLock' | '@OnlyLeader' | '@OncePerTick';

  constructor({ className, method, decorator, atBoot = false }: LockModuleMissingErrorOptions) {
    const service = SERVICES[decorator];
    const fix =
      'import EtcdLockModule.forRoot() (or EtcdLockTestingModule) in this module or a global one';
    super(
      atBoot
        ? `${decorator} on ${className}.${method} needs ${service}, which the module of ` +
            `${className} cannot see: ${fix}.`
        : `${decorator} on ${className}.${method} has no ${service}: ${fix}, and let Nest ` +
            `create ${className} (instances made with "new" are not wired).`,
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
