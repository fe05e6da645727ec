import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { assertLockKey } from '../options/option-validators.js';

/** A lock name, or a function of the method's arguments (called with `this` bound). */
export type LockKey = string | ((this: never, ...args: never[]) => string);

export function assertLockKeyForm(key: unknown): LockKey {
  if (typeof key === 'function') return key as LockKey;
  return assertLockKey(key, '@WithLock key');
}

export function resolveLockKey(key: LockKey, self: unknown, args: unknown[]): string {
  if (typeof key === 'string') return key;
  let value: unknown;
  try {
    value = (key as (...a: unknown[]) => unknown).apply(self, args);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const invalid = new InvalidLockArgumentError('@WithLock key function', `it threw: ${detail}`);
    invalid.cause = error;
    throw invalid;
  }
  return assertLockKey(value, '@WithLock key function result');
}
