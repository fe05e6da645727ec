import type {
  EtcdLockModuleOptions,
  ResolvedModuleOptions,
} from '../interfaces/etcd-lock-module-options.interface.js';
import type {
  LockTimingOptions,
  WithLockCallOptions,
  ResolvedTimingOptions,
} from '../interfaces/lock-options.interface.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import {
  assertBoolean,
  assertKnownKeys,
  assertMilliseconds,
  assertOneOf,
  assertPlainObject,
  assertRetries,
  assertTtl,
} from './lock-options.validation.js';

/** The one place where defaults live. README documents the same values. */
export const LOCK_DEFAULTS: ResolvedTimingOptions = {
  ttl: 10,
  retries: 3,
  retryDelay: 100,
  waitTimeout: 30_000,
};
export const DEFAULT_PREFIX = 'nestjs-lock/';
export const DEFAULT_HOST = '127.0.0.1:2379';
export const DEFAULT_CALL_TIMEOUT = 5_000;
export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;
const LOG_LEVELS = ['none', 'lost', 'all'] as const;

const TIMING_KEYS = ['ttl', 'retries', 'retryDelay', 'waitTimeout'] as const;
const MODULE_KEYS = [
  ...TIMING_KEYS,
  'hosts',
  'auth',
  'credentials',
  'client',
  'prefix',
  'callTimeout',
  'shutdownTimeout',
  'log',
  'telemetry',
];

export function resolveModuleOptions(
  raw: EtcdLockModuleOptions | undefined,
): ResolvedModuleOptions {
  const options = assertPlainObject(raw, 'EtcdLockModule options') as EtcdLockModuleOptions;
  // `isGlobal` is a module-definition extra, not ours to validate.
  const { isGlobal: _ignored, ...rest } = options as EtcdLockModuleOptions & { isGlobal?: unknown };
  assertKnownKeys(rest, MODULE_KEYS, 'EtcdLockModule options');
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') {
    throw new InvalidLockArgumentError('prefix', `expected a string, got ${typeof prefix}`);
  }
  return {
    hosts: resolveHosts(options.hosts),
    auth: options.auth,
    credentials: options.credentials,
    client: options.client,
    prefix,
    callTimeout: assertMilliseconds(options.callTimeout ?? DEFAULT_CALL_TIMEOUT, 'callTimeout'),
    shutdownTimeout: assertMilliseconds(
      options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT,
      'shutdownTimeout',
    ),
    log: assertOneOf(options.log ?? 'lost', LOG_LEVELS, 'log'),
    telemetry: assertBoolean(options.telemetry ?? true, 'telemetry'),
    defaults: resolveTimingOptions(options, LOCK_DEFAULTS),
  };
}

export function resolveTimingOptions(
  options: LockTimingOptions,
  defaults: ResolvedTimingOptions,
): ResolvedTimingOptions {
  return {
    ttl: assertTtl(options.ttl ?? defaults.ttl),
    retries: assertRetries(options.retries ?? defaults.retries),
    retryDelay: assertMilliseconds(options.retryDelay ?? defaults.retryDelay, 'retryDelay'),
    waitTimeout: assertMilliseconds(
      options.waitTimeout ?? defaults.waitTimeout,
      'waitTimeout',
      true,
    ),
  };
}

export function assertAcquireOptions(
  raw: unknown,
  argument: string,
  allowHold = false,
): WithLockCallOptions {
  const options = assertPlainObject(raw, argument);
  const keys = allowHold ? [...TIMING_KEYS, 'signal', 'holdAtLeast'] : [...TIMING_KEYS, 'signal'];
  assertKnownKeys(options, keys, argument);
  if (options.holdAtLeast !== undefined) assertMilliseconds(options.holdAtLeast, 'holdAtLeast');
  return options as WithLockCallOptions;
}

function resolveHosts(hosts: EtcdLockModuleOptions['hosts']): string[] {
  const fromEnv = process.env.ETCD_HOSTS?.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const list = hosts === undefined ? (fromEnv?.length ? fromEnv : [DEFAULT_HOST]) : hosts;
  const array = Array.isArray(list) ? list : [list];
  if (array.length === 0 || array.some((h) => typeof h !== 'string' || h.trim() === '')) {
    throw new InvalidLockArgumentError(
      'hosts',
      'expected a non-empty host string or array of them',
    );
  }
  return array;
}
