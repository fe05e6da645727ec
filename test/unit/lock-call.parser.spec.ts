import { describe, expect, it } from 'vitest';
import { InvalidLockArgumentError } from '../../lib/errors/invalid-lock-argument.error.js';
import {
  parseDecoratorOptions,
  parseLockCall,
  withDefaults,
} from '../../lib/options/lock-call.parser.js';
import { LOCK_DEFAULTS } from '../../lib/options/lock-options.defaults.js';

/** The error a bad option gets: typed, and naming what was wrong. */
const invalid = (fn: () => unknown): InvalidLockArgumentError | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidLockArgumentError) return error;
    throw error;
  }
  return undefined;
};

describe('parsing a call’s options once', () => {
  it('keeps only the timing options the caller set, so the rest follow the module defaults', () => {
    const call = parseLockCall({ ttl: 5 }, 'acquire');
    expect(call.timing).toEqual({ ttl: 5 });
    expect(withDefaults(call.timing, LOCK_DEFAULTS)).toEqual({ ...LOCK_DEFAULTS, ttl: 5 });
  });

  it('fills onLocked and holdAtLeast with their defaults', () => {
    expect(parseLockCall(undefined, 'withLock')).toMatchObject({
      onLocked: 'wait',
      holdAtLeast: 0,
    });
  });

  it('always skips for tryAcquire', () => {
    expect(parseLockCall({}, 'tryAcquire').onLocked).toBe('skip');
  });

  it('accepts each key only where it means something, and names the entry point', () => {
    expect(invalid(() => parseLockCall({ holdAtLeast: 5 }, 'acquire'))?.message).toMatch(
      /acquire options: unknown option\(s\) holdAtLeast/,
    );
    expect(invalid(() => parseLockCall({ onLocked: 'skip' }, 'withLock'))?.message).toMatch(
      /withLock options: unknown/,
    );
    expect(
      invalid(() => parseLockCall({ signal: new AbortController().signal }, '@WithLock'))?.message,
    ).toMatch(/@WithLock options/);
    expect(parseLockCall({ holdAtLeast: 5 }, 'withLock').holdAtLeast).toBe(5);
  });

  it('rejects a bad value with the option’s name', () => {
    expect(invalid(() => parseLockCall({ ttl: 1 }, 'acquire'))?.message).toMatch(/Invalid ttl/);
    expect(invalid(() => parseLockCall({ retries: -1 }, 'acquire'))?.message).toMatch(
      /Invalid retries/,
    );
    expect(invalid(() => parseLockCall({ waitTimeout: NaN }, 'acquire'))?.message).toMatch(
      /Invalid waitTimeout/,
    );
    expect(invalid(() => parseLockCall({ holdAtLeast: Infinity }, 'withLock'))?.message).toMatch(
      /Invalid holdAtLeast/,
    );
    expect(invalid(() => parseLockCall({ signal: {} }, 'acquire'))?.message).toMatch(
      /Invalid signal/,
    );
    expect(invalid(() => parseLockCall({ onLocked: 'later' }, '@WithLock'))?.message).toMatch(
      /Invalid onLocked/,
    );
    expect(invalid(() => parseLockCall([], 'acquire'))?.message).toMatch(
      /expected an options object, got an array/,
    );
  });

  it('allows an infinite waitTimeout but not an infinite retryDelay', () => {
    expect(parseLockCall({ waitTimeout: Infinity }, 'acquire').timing.waitTimeout).toBe(Infinity);
    expect(invalid(() => parseLockCall({ retryDelay: Infinity }, 'acquire'))?.message).toMatch(
      /Invalid retryDelay/,
    );
  });

  it('reads the decorator’s positional ttl and retries like the options object', () => {
    expect(parseDecoratorOptions(7, 2).timing).toEqual({ ttl: 7, retries: 2 });
    expect(parseDecoratorOptions({ ttl: 7, onLocked: 'skip' }, undefined)).toMatchObject({
      timing: { ttl: 7 },
      onLocked: 'skip',
    });
    expect(invalid(() => parseDecoratorOptions({ ttl: 7 }, 2))?.message).toMatch(
      /@WithLock retries/,
    );
    expect(invalid(() => parseDecoratorOptions('7', undefined))?.message).toMatch(/@WithLock ttl/);
  });
});
