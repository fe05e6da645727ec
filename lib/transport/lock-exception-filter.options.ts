import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { assertKnownKeys, assertPlainObject } from '../options/option-validators.js';
import type { LockExceptionFilterOptions } from '../interfaces/lock-exception-filter-options.interface.js';

const DEFAULTS: Required<LockExceptionFilterOptions> = {
  lockedStatus: 423,
  unavailableStatus: 503,
  retryAfter: 1,
};

/** Validates the filter's options once, when the filter is built. */
export function parseLockExceptionFilterOptions(
  raw: unknown,
): Required<LockExceptionFilterOptions> {
  const options = assertPlainObject(raw, 'LockExceptionFilter options');
  assertKnownKeys(options, Object.keys(DEFAULTS), 'LockExceptionFilter options');
  const resolved = { ...DEFAULTS, ...(options as LockExceptionFilterOptions) };
  for (const name of ['lockedStatus', 'unavailableStatus'] as const) {
    const status = resolved[name];
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new InvalidLockArgumentError({
        argument: name,
        problem: `expected an HTTP error status, got ${status}`,
      });
    }
  }
  const { retryAfter } = resolved;
  if (!Number.isInteger(retryAfter) || retryAfter < 0) {
    throw new InvalidLockArgumentError({
      argument: 'retryAfter',
      problem: `expected whole seconds >= 0, got ${retryAfter}`,
    });
  }
  return resolved;
}
