import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { LockShape } from '../interfaces/lock-options.interface.js';
import type {
  LockMode,
  LockTimingOptions,
  OnLocked,
  ResolvedTimingOptions,
} from '../interfaces/lock-options.interface.js';
import { DEFAULT_HOLD_AT_LEAST, DEFAULT_ON_LOCKED, EXCLUSIVE } from './lock-options.defaults.js';
import {
  assertKnownKeys,
  assertMetricName,
  assertMaxHold,
  assertMilliseconds,
  assertOneOf,
  assertPermits,
  assertPlainObject,
  assertRetries,
  assertSignal,
  assertTtl,
} from './option-validators.js';
import { assertEntryValue } from './lock-key.validators.js';

export const TIMING_KEYS = ['ttl', 'retries', 'retryDelay', 'waitTimeout', 'maxHold'] as const;
const ON_LOCKED: readonly OnLocked[] = ['wait', 'throw', 'skip'];
const MODES: readonly LockMode[] = ['read', 'write'];
const SHAPE_KEYS = ['mode', 'permits'] as const;

/** Where the options came from: each entry point accepts its own keys, and errors name it. */
export type LockCallSource = 'acquire' | 'tryAcquire' | 'withLock' | '@WithLock' | 'campaign';

const KEYS: Record<LockCallSource, readonly string[]> = {
  acquire: [...TIMING_KEYS, ...SHAPE_KEYS, 'signal', 'metricName'],
  tryAcquire: [...TIMING_KEYS, ...SHAPE_KEYS, 'signal', 'metricName'],
  withLock: [...TIMING_KEYS, ...SHAPE_KEYS, 'signal', 'holdAtLeast', 'metricName'],
  '@WithLock': [...TIMING_KEYS, ...SHAPE_KEYS, 'onLocked', 'holdAtLeast', 'metricName'],
  campaign: [...TIMING_KEYS, 'signal', 'value'],
};

/** One call's options, validated once where the user handed them in. */
export interface LockCall {
  /** Only what the caller set: the rest follows the module defaults at call time. */
  readonly timing: LockTimingOptions;
  readonly onLocked: OnLocked;
  readonly holdAtLeast: number;
  readonly shape: LockShape;
  readonly signal?: AbortSignal;
  /** The entry's value (an election's proposal); the process's `hostname/pid` when unset. */
  readonly value?: string;
  /** The `lock.site` of its metrics (`@WithLock` fills in `Class.method`). */
  readonly metricName?: string;
}

/** Parses the options of `source`; `tryAcquire` always skips a held lock. */
export function parseLockCall(raw: unknown, source: LockCallSource): LockCall {
  const argument = `${source} options`;
  const options = assertPlainObject(raw, argument);
  assertKnownKeys(options, KEYS[source], argument);
  const fixed = source === 'tryAcquire' ? 'skip' : undefined;
  return {
    timing: parseTimingOverrides(options),
    onLocked: fixed ?? assertOneOf(options.onLocked ?? DEFAULT_ON_LOCKED, ON_LOCKED, 'onLocked'),
    holdAtLeast: assertMilliseconds(options.holdAtLeast ?? DEFAULT_HOLD_AT_LEAST, 'holdAtLeast'),
    shape: parseShape(options),
    signal: assertSignal(options.signal),
    value: options.value === undefined ? undefined : assertEntryValue(options.value),
    metricName: options.metricName === undefined ? undefined : assertMetricName(options.metricName),
  };
}

/** `mode` and `permits`: a read lock, a write lock (the default), or a semaphore. */
function parseShape(options: Record<string, unknown>): LockShape {
  const mode = assertOneOf(options.mode ?? 'write', MODES, 'mode');
  if (options.permits === undefined) return mode === 'read' ? { mode, permits: 1 } : EXCLUSIVE;
  const permits = assertPermits(options.permits);
  if (mode === 'read') {
    const why = "a semaphore has no read mode: pass either mode: 'read' or permits";
    throw new InvalidLockArgumentError({ argument: 'mode', problem: why });
  }
  return permits === 1 ? EXCLUSIVE : { mode, permits };
}

/** Validates the timing options that are set, and leaves out those that are not. */
export function parseTimingOverrides(options: Record<string, unknown>): LockTimingOptions {
  const timing: LockTimingOptions = {};
  if (options.ttl !== undefined) timing.ttl = assertTtl(options.ttl);
  if (options.retries !== undefined) timing.retries = assertRetries(options.retries);
  if (options.retryDelay !== undefined) {
    timing.retryDelay = assertMilliseconds(options.retryDelay, 'retryDelay');
  }
  if (options.waitTimeout !== undefined) {
    timing.waitTimeout = assertMilliseconds(options.waitTimeout, 'waitTimeout', true);
  }
  if (options.maxHold !== undefined) timing.maxHold = assertMaxHold(options.maxHold);
  return timing;
}

/** Fills what a call left out from already validated defaults. */
export function withDefaults(
  timing: LockTimingOptions,
  defaults: ResolvedTimingOptions,
): ResolvedTimingOptions {
  return {
    ttl: timing.ttl ?? defaults.ttl,
    retries: timing.retries ?? defaults.retries,
    retryDelay: timing.retryDelay ?? defaults.retryDelay,
    waitTimeout: timing.waitTimeout ?? defaults.waitTimeout,
    maxHold: timing.maxHold ?? defaults.maxHold,
  };
}

/** The positional form `@WithLock(key, ttl, retries)`, or the options object. */
export function parseDecoratorOptions(ttlOrOptions: unknown, retries: unknown): LockCall {
  if (typeof ttlOrOptions === 'object' && ttlOrOptions !== null) {
    if (retries !== undefined) {
      throw new InvalidLockArgumentError({
        argument: '@WithLock retries',
        problem: 'pass it inside the options object',
      });
    }
    return parseLockCall(ttlOrOptions, '@WithLock');
  }
  if (ttlOrOptions !== undefined && typeof ttlOrOptions !== 'number') {
    throw new InvalidLockArgumentError({
      argument: '@WithLock ttl',
      problem: `expected seconds or an options object, got ${typeof ttlOrOptions}`,
    });
  }
  return parseLockCall({ ttl: ttlOrOptions, retries }, '@WithLock');
}
