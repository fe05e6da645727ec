import { Inject } from '@nestjs/common';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { LockModuleMissingError } from '../errors/lock-module-missing.error.js';
import type {
  HoldOptions,
  LockTimingOptions,
  WithLockOptions,
} from '../interfaces/lock-options.interface.js';
import { LockService } from '../lock.service.js';
import { LOCK_DEFAULTS, resolveTimingOptions } from '../options/etcd-lock-options.defaults.js';
import {
  assertKnownKeys,
  assertMilliseconds,
  assertOnLocked,
  assertPlainObject,
} from '../options/lock-options.validation.js';
import { copyMethodMetadata } from './copy-method-metadata.js';
import { assertLockKeyForm, type LockKey, resolveLockKey } from './lock-key.resolver.js';

/** Where Nest injects each decorated instance's own `LockService` (one per application). */
const LOCK_SERVICE = Symbol('nestjs-etcd-lock:LockService');
const OPTION_KEYS = [
  'ttl',
  'retries',
  'retryDelay',
  'waitTimeout',
  'onLocked',
  'holdAtLeast',
] as const;

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
  const { onLocked = 'wait', ...timing } = normalizeOptions(ttlOrOptions, retries);
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
        if (typeof service?.runLocked !== 'function')
          throw new LockModuleMissingError(className, method);
        const name = resolveLockKey(lockKey, this, args);
        return service.runLocked(
          name,
          () => original.apply(this, args),
          timing,
          onLocked,
          '@WithLock options',
        );
      },
    }[method]!;
    copyMethodMetadata(original, wrapped);
    descriptor.value = wrapped as typeof descriptor.value;
    return descriptor;
  };
}

function normalizeOptions(ttlOrOptions: unknown, retries: unknown): WithLockOptions {
  if (typeof ttlOrOptions === 'object' && ttlOrOptions !== null) {
    if (retries !== undefined) {
      throw new InvalidLockArgumentError('@WithLock retries', 'pass it inside the options object');
    }
    const options = assertPlainObject(ttlOrOptions, '@WithLock options');
    assertKnownKeys(options, OPTION_KEYS, '@WithLock options');
    const { onLocked, ...timing } = options as WithLockOptions;
    validateTiming(timing);
    return onLocked === undefined ? timing : { ...timing, onLocked: assertOnLocked(onLocked) };
  }
  if (ttlOrOptions !== undefined && typeof ttlOrOptions !== 'number') {
    throw new InvalidLockArgumentError(
      '@WithLock ttl',
      `expected seconds or an options object, got ${typeof ttlOrOptions}`,
    );
  }
  const timing: LockTimingOptions = {};
  if (ttlOrOptions !== undefined) timing.ttl = ttlOrOptions;
  if (retries !== undefined) timing.retries = retries as number;
  validateTiming(timing);
  return timing;
}

/** Validates at decoration time; unset values still follow the module defaults at call time. */
function validateTiming(timing: LockTimingOptions & HoldOptions): void {
  resolveTimingOptions(timing, LOCK_DEFAULTS);
  if (timing.holdAtLeast !== undefined) assertMilliseconds(timing.holdAtLeast, 'holdAtLeast');
}
