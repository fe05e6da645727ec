import { describe, expect, it } from 'vitest';
import {
  parseDecoratorOptions,
  parseLockCall,
  withDefaults,
} from '../../../lib/options/lock-call.parser.js';
import { LOCK_DEFAULTS } from '../../../lib/options/lock-options.defaults.js';
import { invalidArgument } from '../../support/bad-inputs.js';

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
    expect(invalidArgument(() => parseLockCall({ holdAtLeast: 5 }, 'acquire'))?.message).toMatch(
      /acquire options: unknown option\(s\) holdAtLeast/,
    );
    expect(invalidArgument(() => parseLockCall({ onLocked: 'skip' }, 'withLock'))?.message).toMatch(
      /withLock options: unknown/,
    );
    expect(
      invalidArgument(() => parseLockCall({ signal: new AbortController().signal }, '@WithLock'))
        ?.message,
    ).toMatch(/@WithLock options/);
    expect(parseLockCall({ holdAtLeast: 5 }, 'withLock').holdAtLeast).toBe(5);
  });

  it('rejects a bad value with the option’s name', () => {
    expect(invalidArgument(() => parseLockCall({ ttl: 1 }, 'acquire'))?.message).toMatch(
      /Invalid ttl/,
    );
    expect(invalidArgument(() => parseLockCall({ retries: -1 }, 'acquire'))?.message).toMatch(
      /Invalid retries/,
    );
    expect(invalidArgument(() => parseLockCall({ waitTimeout: NaN }, 'acquire'))?.message).toMatch(
      /Invalid waitTimeout/,
    );
    expect(
      invalidArgument(() => parseLockCall({ holdAtLeast: Infinity }, 'withLock'))?.message,
    ).toMatch(/Invalid holdAtLeast/);
    expect(invalidArgument(() => parseLockCall({ signal: {} }, 'acquire'))?.message).toMatch(
      /Invalid signal/,
    );
    expect(
      invalidArgument(() => parseLockCall({ onLocked: 'later' }, '@WithLock'))?.message,
    ).toMatch(/Invalid onLocked/);
    expect(invalidArgument(() => parseLockCall([], 'acquire'))?.message).toMatch(
      /expected an options object, got an array/,
    );
  });

  it('allows an infinite waitTimeout but not an infinite retryDelay', () => {
    expect(parseLockCall({ waitTimeout: Infinity }, 'acquire').timing.waitTimeout).toBe(Infinity);
    expect(
      invalidArgument(() => parseLockCall({ retryDelay: Infinity }, 'acquire'))?.message,
    ).toMatch(/Invalid retryDelay/);
  });

  it('reads the decorator’s positional ttl and retries like the options object', () => {
    expect(parseDecoratorOptions(7, 2).timing).toEqual({ ttl: 7, retries: 2 });
    expect(parseDecoratorOptions({ ttl: 7, onLocked: 'skip' }, undefined)).toMatchObject({
      timing: { ttl: 7 },
      onLocked: 'skip',
    });
    expect(invalidArgument(() => parseDecoratorOptions({ ttl: 7 }, 2))?.message).toMatch(
      /@WithLock retries/,
    );
    expect(invalidArgument(() => parseDecoratorOptions('7', undefined))?.message).toMatch(
      /@WithLock ttl/,
    );
  });
});

describe('parsing the shape of a lock', () => {
  it('defaults to a plain lock: one writer', () => {
    expect(parseLockCall({}, 'acquire').shape).toEqual({ mode: 'write', permits: 1 });
  });

  it("reads mode 'read' as one shared reader, and permits as a semaphore", () => {
    expect(parseLockCall({ mode: 'read' }, 'acquire').shape).toEqual({ mode: 'read', permits: 1 });
    expect(parseLockCall({ permits: 3 }, 'withLock').shape).toEqual({ mode: 'write', permits: 3 });
  });

  it('treats permits: 1 as the plain lock it is', () => {
    expect(parseLockCall({ permits: 1 }, '@WithLock').shape).toEqual({ mode: 'write', permits: 1 });
  });

  it("refuses mode 'read' with permits, saying to pick one", () => {
    expect(
      invalidArgument(() => parseLockCall({ mode: 'read', permits: 2 }, 'acquire'))?.message,
    ).toMatch(/either mode: 'read' or permits/);
  });

  it('does not take a shape for an election', () => {
    expect(invalidArgument(() => parseLockCall({ permits: 2 }, 'campaign'))?.message).toMatch(
      /permits/,
    );
  });
});
