import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { MAX_KEYS_PER_LOCK } from './lock-options.defaults.js';
import { show, typeName } from './option-validators.js';

/* Lock names and entry values: what reaches etcd as a key or a value. */

/** etcd keys may be up to 1.5 MiB, but a lock name that long is a bug; keep requests small. */
export const MAX_KEY_BYTES = 1024;
/** C0 and C1 controls and DEL (NUL has its own message). */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0001-\u001f\u007f-\u009f]/;
/** `<name>/read/…`, `<name>/write/…`, `<name>/sem-<N>/…`: the segments of the key layout. */
export const LAYOUT_SEGMENT = /^(read|write|sem-\d+)$/;

export function assertLockKey(key: unknown, argument = 'lock key'): string {
  if (typeof key !== 'string') {
    throw new InvalidLockArgumentError({
      argument,
      problem: `expected a string, got ${typeName(key)}`,
    });
  }
  if (key.length === 0)
    throw new InvalidLockArgumentError({ argument, problem: 'must not be empty' });
  if (key.includes('\0'))
    throw new InvalidLockArgumentError({ argument, problem: 'must not contain NUL' });
  if (CONTROL.test(key)) {
    const why = 'must not contain control characters (they reach terminals and logs raw)';
    throw new InvalidLockArgumentError({ argument, problem: why });
  }
  const segment = key.split('/').find((s) => LAYOUT_SEGMENT.test(s));
  if (segment !== undefined) {
    const why =
      `has a segment "${segment}", which the key layout uses for another name's readers, ` +
      'writers or semaphore holders: rename it';
    throw new InvalidLockArgumentError({ argument, problem: why });
  }
  if (!key.isWellFormed()) {
    throw new InvalidLockArgumentError({
      argument,
      problem: 'must be well-formed UTF-16 (lone surrogate)',
    });
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidLockArgumentError({
      argument,
      problem: `is ${bytes} bytes, the limit is ${MAX_KEY_BYTES}`,
    });
  }
  return key;
}

/** One name, or several taken together: a non-empty list of distinct names. */
export function assertLockKeys(keys: unknown, argument = 'lock key'): readonly string[] {
  if (!Array.isArray(keys)) return [assertLockKey(keys, argument)];
  if (keys.length === 0)
    throw new InvalidLockArgumentError({ argument, problem: 'the list is empty' });
  if (keys.length > MAX_KEYS_PER_LOCK) {
    const why = `${keys.length} names, the limit is ${MAX_KEYS_PER_LOCK} (one etcd transaction)`;
    throw new InvalidLockArgumentError({ argument, problem: why });
  }
  const names = keys.map((key, i) => assertLockKey(key, `${argument} [${i}]`));
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) {
    throw new InvalidLockArgumentError({
      argument,
      problem: `${JSON.stringify(twice)} is listed twice`,
    });
  }
  return names;
}

/** An election's proposal travels in one etcd request; etcd refuses requests over 1.5 MiB. */
export const MAX_ENTRY_VALUE_BYTES = 64 * 1024;

export function assertEntryValue(value: unknown): string {
  if (typeof value !== 'string') {
    throw new InvalidLockArgumentError({
      argument: 'value',
      problem: `expected a string, got ${show(value)}`,
    });
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_ENTRY_VALUE_BYTES) {
    throw new InvalidLockArgumentError({
      argument: 'value',
      problem: `${bytes} bytes is over the limit of ${MAX_ENTRY_VALUE_BYTES}: store a reference instead`,
    });
  }
  return value;
}
