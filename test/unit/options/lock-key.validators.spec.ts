import { describe, expect, it } from 'vitest';
import { assertEntryValue, assertLockKeys } from '../../../lib/options/lock-key.validators.js';
import { BAD_KEYS, invalidArgument } from '../../support/bad-inputs.js';

describe('validating lock names', () => {
  it('turns one name into a list of one and keeps a list in the order given', () => {
    expect(assertLockKeys('a')).toEqual(['a']);
    expect(assertLockKeys(['b', 'a'])).toEqual(['b', 'a']);
  });

  it('names the bad entry of a list by its index', () => {
    expect(invalidArgument(() => assertLockKeys(['a', 7]))?.message).toMatch(/lock key \[1\]/);
  });

  it.each(BAD_KEYS)('refuses a name that is %s, naming the argument', (_, key) => {
    expect(invalidArgument(() => assertLockKeys(key))?.argument).toBe('lock key');
  });

  it('refuses an election value over 64 KiB and keeps one under it as given', () => {
    expect(invalidArgument(() => assertEntryValue('x'.repeat(64 * 1024 + 1)))?.argument).toBe(
      'value',
    );
    expect(assertEntryValue('node-1')).toBe('node-1');
  });
});
