import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { assertKnownKeys, assertPlainObject } from '../options/lock-options.validation.js';
import type { LockExceptionFilterOptions } from './lock-exception.filter.js';

const DEFAULTS: Required<LockExceptionFilterOptions> = {
  lockedStatus: 423,
  unavailableStatus: 503,
  retryAfter: 1,
};

export function assertLockExceptionFilterOptions(
  raw: unknown,
): Required<LockExceptionFilterOptions> {
  const options = assertPlainObject(raw, 'LockExceptionFilter options');
  assertKnownKeys(options, Object.keys(DEFAULTS), 'LockExceptionFilter options');
  const resolved = { ...DEFAULTS, ...(options as LockExceptionFilterOptions) };
  for (const name of ['lockedStatus', 'unavailableStatus'] as const) {
    const status = resolved[name];
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new InvalidLockArgumentError(name, `expected an HTTP error status, got ${status}`);
    }
  }
  const { retryAfter } = resolved;
  if (!Number.isInteger(retryAfter) || retryAfter < 0) {
    throw new InvalidLockArgumentError(
      'retryAfter',
      `expected whole seconds >= 0, got ${retryAfter}`,
    );
  }
  return resolved;
}
