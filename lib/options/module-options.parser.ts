import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type {
  EtcdLockModuleOptions,
  ResolvedConnection,
  ResolvedLockSettings,
} from '../interfaces/etcd-lock-module-options.interface.js';
import { TIMING_KEYS, parseTimingOverrides, withDefaults } from './lock-call.parser.js';
import {
  DEFAULT_CALL_TIMEOUT,
  DEFAULT_CALL_TIMEOUT_ONE_MEMBER,
  DEFAULT_GROUP_COMMIT,
  DEFAULT_HOST,
  DEFAULT_MAX_TXN_OPS,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PREFIX,
  DEFAULT_SHUTDOWN_TIMEOUT,
  DEFAULT_TELEMETRY,
  LOCK_DEFAULTS,
} from './lock-options.defaults.js';
import {
  assertBoolean,
  assertFunction,
  assertKnownKeys,
  assertMaxTxnOps,
  assertMilliseconds,
  assertOneOf,
  assertPlainObject,
} from './option-validators.js';

export const CONNECTION_KEYS = [
  'hosts',
  'auth',
  'credentials',
  'client',
  'callTimeout',
  'groupCommit',
  'maxTxnOps',
] as const;
const SETTINGS_KEYS = [
  ...TIMING_KEYS,
  'prefix',
  'shutdownTimeout',
  'log',
  'telemetry',
  'alerts',
  'clock',
];
const LOG_LEVELS = ['none', 'lost', 'all'] as const;

/** `forRoot` options, split into what reaches etcd and how locks behave. */
export function parseModuleOptions(raw: unknown): {
  connection: ResolvedConnection;
  settings: ResolvedLockSettings;
} {
  const argument = 'EtcdLockModule options';
  const options = withoutExtras(assertPlainObject(raw, argument));
  assertKnownKeys(options, [...SETTINGS_KEYS, ...CONNECTION_KEYS], argument);
  return { connection: parseConnection(options), settings: parseSettings(options) };
}

/** Lock settings alone, for a module that has no etcd (the testing module). */
export function parseLockSettings(raw: unknown, argument: string): ResolvedLockSettings {
  const options = withoutExtras(assertPlainObject(raw, argument));
  const connection = CONNECTION_KEYS.filter((name) => name in options);
  if (connection.length > 0) {
    throw new InvalidLockArgumentError({
      argument,
      problem: `${connection.join(', ')} configure etcd, which the in-memory backend does not use`,
    });
  }
  assertKnownKeys(options, SETTINGS_KEYS, argument);
  return parseSettings(options);
}

function parseSettings(options: EtcdLockModuleOptions): ResolvedLockSettings {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') {
    throw new InvalidLockArgumentError({
      argument: 'prefix',
      problem: `expected a string, got ${typeof prefix}`,
    });
  }
  // Without the slash, `svc` also covers `svc-secrets/…`: list() showed that data and
  // forceRelease deleted it. Refused rather than fixed up: replicas that disagree on the
  // prefix would not exclude each other during the deploy that changes it.
  if (!prefix.endsWith('/')) {
    const why = `must end with "/" (got ${JSON.stringify(prefix)}; use ${JSON.stringify(`${prefix}/`)})`;
    throw new InvalidLockArgumentError({
      argument: 'prefix',
      problem: prefix === '' ? 'must not be empty' : why,
    });
  }
  const { shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT, log = DEFAULT_LOG_LEVEL } = options;
  return {
    prefix,
    shutdownTimeout: assertMilliseconds(shutdownTimeout, 'shutdownTimeout'),
    log: assertOneOf(log, LOG_LEVELS, 'log'),
    telemetry: assertBoolean(options.telemetry ?? DEFAULT_TELEMETRY, 'telemetry'),
    alerts: parseAlerts(options.alerts),
    clock: assertFunction(options.clock ?? Date.now, 'clock'),
    defaults: withDefaults(parseTimingOverrides({ ...options }), LOCK_DEFAULTS),
  };
}

function parseAlerts(raw: unknown): ResolvedLockSettings['alerts'] {
  const alerts = assertPlainObject(raw, 'alerts');
  assertKnownKeys(alerts, ['heldLongerThan', 'waitingLongerThan'], 'alerts');
  const { heldLongerThan = Infinity, waitingLongerThan = Infinity } = alerts;
  return {
    heldLongerThan: assertMilliseconds(heldLongerThan, 'alerts.heldLongerThan', true),
    waitingLongerThan: assertMilliseconds(waitingLongerThan, 'alerts.waitingLongerThan', true),
  };
}

function parseConnection(options: EtcdLockModuleOptions): ResolvedConnection {
  const hosts = parseHosts(options.hosts);
  const several = hosts.length > 1 && !options.client;
  const fallback = several ? DEFAULT_CALL_TIMEOUT : DEFAULT_CALL_TIMEOUT_ONE_MEMBER;
  return {
    hosts,
    auth: options.auth,
    credentials: options.credentials,
    client: options.client,
    callTimeout: assertMilliseconds(options.callTimeout ?? fallback, 'callTimeout'),
    groupCommit: assertBoolean(options.groupCommit ?? groupCommitDefault(options), 'groupCommit'),
    maxTxnOps: assertMaxTxnOps(options.maxTxnOps ?? DEFAULT_MAX_TXN_OPS),
  };
}

/**
 * On unless etcd may check the requests' permissions (a user, a client certificate, or a client
 * of the user's): etcd releases before 3.4.42, 3.5.28 and 3.6.9 skip the checks inside nested
 * transactions, so a batch could pass where a request alone is refused.
 */
function groupCommitDefault(options: EtcdLockModuleOptions): boolean {
  const identified = options.auth ?? options.credentials?.certChain ?? options.client;
  return identified === undefined && DEFAULT_GROUP_COMMIT;
}

/** `isGlobal` and `httpErrors` shape the module; they were handled where it was defined. */
function withoutExtras(options: Record<string, unknown>): EtcdLockModuleOptions {
  const { isGlobal: _global, httpErrors: _httpErrors, ...rest } = options;
  return rest as EtcdLockModuleOptions;
}

/** An array, or one string with commas as `etcdctl --endpoints` and `ETCD_HOSTS` take it. */
export function parseHosts(hosts: unknown): string[] {
  const fromEnv = process.env.ETCD_HOSTS;
  const given = hosts ?? (fromEnv?.trim() ? fromEnv : DEFAULT_HOST);
  const source = hosts === undefined && fromEnv?.trim() ? 'ETCD_HOSTS' : 'hosts';
  const list = typeof given === 'string' ? given.split(',') : given;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidLockArgumentError({
      argument: source,
      problem: 'expected a host string or a non-empty array',
    });
  }
  return list.map((entry: unknown, index) => {
    if (typeof entry === 'string' && withCredentials(entry.trim())) {
      // Said without the entry: it holds a password, and errors end up in logs.
      const why = `entry ${index + 1} has credentials in its URL: pass them as auth: { username, password }, which are never echoed`;
      throw new InvalidLockArgumentError({ argument: source, problem: why });
    }
    if (typeof entry !== 'string' || !isHost(entry.trim())) {
      throw new InvalidLockArgumentError({
        argument: source,
        problem: `entry ${index + 1} (${JSON.stringify(entry)}) is not host:port or an http(s) URL`,
      });
    }
    return entry.trim();
  });
}

function isHost(entry: string): boolean {
  if (/^https?:\/\//.test(entry)) return URL.canParse(entry) && new URL(entry).hostname !== '';
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(:\d{1,5})?$/.test(entry);
}

/** `https://user:pass@host`: the password would be echoed wherever the host is named. */
function withCredentials(entry: string): boolean {
  if (!/^https?:\/\//.test(entry) || !URL.canParse(entry)) return /^[^/]*@/.test(entry);
  const url = new URL(entry);
  return url.username !== '' || url.password !== '';
}
