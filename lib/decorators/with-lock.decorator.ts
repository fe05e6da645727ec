import { Inject } from '@nestjs/common';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { LockModuleMissingError } from '../errors/lock-module-missing.error.js';
import type { WithLockOptions } from '../interfaces/lock-options.interface.js';
import { LockService, RUN_LOCKED } from '../lock.service.js';
import { parseDecoratorOptions } from '../options/lock-call.parser.js';
import { copyMethodMetadata } from './copy-method-metadata.js';
import { assertLockKeyForm, type LockKey, resolveLockKey } from './lock-key.resolver.js';

/** Where Nest injects each decorated instance's own `LockService` (one per application). */
const LOCK_SERVICE = Symbol('nestjs-etcd-lock:LockService');

/**
 * Holds the lock while the method runs, on controllers and plain providers alike.
 * `ttl` (seconds) is the lease TTL; `retries` counts extra attempts after transient etcd errors.
 * The wrapped method always returns a Promise. Its own errors pass through unchanged.
 */
export function WithLock(key: LockKey, ttl?: number, retries?: number): MethodDecorator;
export function WithLock(key: LockKey, options?: WithLockOptions): MethodDecorator;
export function WithLock(
  key: LockKey,
  ttlOrOptions?: number | WithLockOptions,
  retries?: number,
): MethodDecorator {
  const lockKey = assertLockKeyForm(key);
  // Parsed once, here; unset timing options follow the module defaults at call time.
  const call = parseDecoratorOptions(ttlOrOptions, retries);
  return (target, propertyKey, descriptor) => {
    const original: unknown = descriptor.value;
    const className = target.constructor.name;
    const method = String(propertyKey);
    if (typeof original !== 'function') {
      throw new InvalidLockArgumentError(
        '@WithLock target',
        `${className}.${method} is not a method`,
      );
    }
    Inject(LockService)(target, LOCK_SERVICE);
    const wrapped = {
      async [method](this: { [LOCK_SERVICE]?: LockService }, ...args: unknown[]) {
        const service = this?.[LOCK_SERVICE];
        if (typeof service?.[RUN_LOCKED] !== 'function') {
          throw new LockModuleMissingError(className, method);
        }
        const name = resolveLockKey(lockKey, this, args);
        return service[RUN_LOCKED](name, () => original.apply(this, args), call);
      },
    }[method]!;
    copyMethodMetadata(original, wrapped);
    descriptor.value = wrapped as typeof descriptor.value;
    return descriptor;
  };
}
