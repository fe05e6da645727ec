import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { MAX_PERMITS } from './lock-options.defaults.js';

/** The longest TTL: a lease that outlives a dead holder by more than a day is a mistake. */
export const MAX_TTL_SECONDS = 86_400;

/** A metric attribute value: short and from a fixed set, so a label stays low-cardinality. */
export function assertMetricName(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(value)) {
    throw new InvalidLockArgumentError({
      argument: 'metricName',
      problem: `expected 1 to 100 letters, digits or "_ . : -", got ${JSON.stringify(value)}`,
    });
  }
  return value;
}

export function assertPermits(permits: unknown): number {
  const ok = typeof permits === 'number' && Number.isInteger(permits);
  if (!ok || permits < 1 || permits > MAX_PERMITS) {
    throw new InvalidLockArgumentError({
      argument: 'permits',
      problem: `expected an integer from 1 to ${MAX_PERMITS}, got ${show(permits)}`,
    });
  }
  return permits;
}

export function assertTtl(ttl: unknown): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 2 || ttl > MAX_TTL_SECONDS) {
    throw new InvalidLockArgumentError({
      argument: 'ttl',
      problem: `expected an integer number of seconds from 2 to ${MAX_TTL_SECONDS} (one day), got ${show(ttl)}`,
    });
  }
  return ttl;
}

export function assertRetries(retries: unknown): number {
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 1000) {
    throw new InvalidLockArgumentError({
      argument: 'retries',
      problem: `expected an integer from 0 to 1000, got ${show(retries)}`,
    });
  }
  return retries;
}

/** etcd's `--max-txn-ops`: any positive integer the server could be started with. */
export function assertMaxTxnOps(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1_000_000) {
    throw new InvalidLockArgumentError({
      argument: 'maxTxnOps',
      problem: `expected an integer from 1 to 1000000, as etcd's --max-txn-ops, got ${show(value)}`,
    });
  }
  return value;
}

export function assertMilliseconds(
  value: unknown,
  argument: string,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    value >= 0 &&
    (Number.isFinite(value) || (allowInfinity && value === Infinity)) &&
    !Number.isNaN(value);
  // A timer longer than 2^31-1 ms fires at once: a waitTimeout of 3e9 ms timed out after 5 ms.
  if (!ok || (value !== Infinity && value > LONGEST_TIMER)) {
    const range = allowInfinity
      ? `a number of milliseconds from 0 to ${LONGEST_TIMER}, or Infinity`
      : `a number of milliseconds from 0 to ${LONGEST_TIMER}`;
    throw new InvalidLockArgumentError({
      argument,
      problem: `expected ${range}, got ${show(value)}`,
    });
  }
  return value;
}

/** Timers take at most 2^31-1 ms (about 24.8 days); beyond that only `Infinity` (off) makes sense. */
const LONGEST_TIMER = 2 ** 31 - 1;

export function assertMaxHold(value: unknown): number {
  const ms = assertMilliseconds(value, 'maxHold', true);
  if (ms === 0 || (ms > LONGEST_TIMER && ms !== Infinity)) {
    throw new InvalidLockArgumentError({
      argument: 'maxHold',
      problem: `expected milliseconds between 1 and ${LONGEST_TIMER}, or Infinity (off), got ${ms}`,
    });
  }
  return ms;
}

export function assertOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  argument: string,
): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidLockArgumentError({
      argument,
      problem: `expected one of ${allowed.join(', ')}, got ${show(value)}`,
    });
  }
  return value as T;
}

export function assertBoolean(value: unknown, argument: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new InvalidLockArgumentError({
    argument,
    problem: `expected a boolean, got ${show(value)}`,
  });
}

export function assertFunction<F extends (...args: never[]) => unknown>(
  value: unknown,
  argument: string,
): F {
  if (typeof value === 'function') return value as F;
  throw new InvalidLockArgumentError({
    argument,
    problem: `expected a function, got ${typeName(value)}`,
  });
}

export function assertSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw new InvalidLockArgumentError({
    argument: 'signal',
    problem: `expected an AbortSignal, got ${typeName(value)}`,
  });
}

export function assertPlainObject(value: unknown, argument: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidLockArgumentError({
      argument,
      problem: `expected an options object, got ${typeName(value)}`,
    });
  }
  return value as Record<string, unknown>;
}

export function assertKnownKeys(value: object, known: readonly string[], argument: string): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new InvalidLockArgumentError({
      argument,
      problem: `unknown option(s) ${unknown.join(', ')}`,
    });
  }
}

/** How a refused value is named in messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export function show(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'bigint'
      ? `${value}n`
      : String(value);
}
