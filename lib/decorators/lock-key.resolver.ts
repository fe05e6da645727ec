import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { assertLockKeys } from '../options/lock-key.validators.js';

/**
 * A lock name or several taken together, or a function of the method's arguments (called with
 * `this` bound) that returns one of those.
 */
export type LockKey =
  string | readonly string[] | ((this: never, ...args: never[]) => string | readonly string[]);

/** A list is validated once, here; a function's result on every call. */
export function assertLockKeyForm(key: unknown): LockKey {
  if (typeof key === 'function') return key as LockKey;
  return assertLockKeys(key, '@WithLock key');
}

export function resolveLockKey(key: LockKey, self: unknown, args: unknown[]): readonly string[] {
  if (typeof key !== 'function') return typeof key === 'string' ? [key] : key;
  let value: unknown;
  try {
    value = (key as (...a: unknown[]) => unknown).apply(self, args);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const invalid = new InvalidLockArgumentError({
      argument: '@WithLock key function',
      problem: `it threw: ${detail}`,
    });
    invalid.cause = error;
    throw invalid;
  }
  return assertLockKeys(value, '@WithLock key function result');
}
