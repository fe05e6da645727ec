import { InvalidLockArgumentError } from '../../lib/errors/invalid-lock-argument.error.js';

/** The error a bad option gets: typed, and naming what was wrong; `undefined` if none. */
export function invalidArgument(fn: () => unknown): InvalidLockArgumentError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidLockArgumentError) return error;
    throw error;
  }
  return undefined;
}

/** Lock keys that must be refused before anything reaches etcd. */
export const BAD_KEYS: [string, unknown][] = [
  ['empty', ''],
  ['number', 42],
  ['undefined', undefined],
  ['null', null],
  ['object', { key: 'x' }],
  ['NUL byte', 'a\0b'],
  ['lone surrogate', 'a\uD800'],
  ['over 1 KiB', 'x'.repeat(1025)],
  ['10 KB', 'é'.repeat(5000)],
  ['an ANSI escape (retitles a terminal)', 'a\u001b]0;owned\u0007b'],
  ['a newline (forges a log line)', 'job\nEtcdLock lost nothing'],
  ['a C1 control', 'a\u0085b'],
  ["a 'read' segment (another name's readers)", 'x/read'],
  ["a 'write' segment (Go RWMutex writers)", 'x/write'],
  ["a 'sem-3' segment (another name's semaphore)", 'x/sem-3'],
  ["a 'read' segment in the middle", 'x/read/y'],
];

/** Lists of names that must be refused before anything reaches etcd. */
export const BAD_KEY_LISTS: [string, unknown][] = [
  ['an empty list', []],
  ['a name listed twice', ['account:1', 'account:1']],
  ['17 names (over the limit of 16)', Array.from({ length: 17 }, (_, i) => `k${i}`)],
  ['a bad name in the list', ['ok', '']],
  ['a number in the list', ['ok', 7]],
];

/** Per-call options that must be refused before anything reaches etcd. */
export const BAD_OPTIONS: [string, unknown][] = [
  ['ttl 1', { ttl: 1 }],
  ['ttl 2.5', { ttl: 2.5 }],
  ['ttl as string', { ttl: '5' }],
  ['ttl NaN', { ttl: NaN }],
  ['retries -1', { retries: -1 }],
  ['retries 1.5', { retries: 1.5 }],
  ['retryDelay -1', { retryDelay: -1 }],
  ['waitTimeout -5', { waitTimeout: -5 }],
  ['waitTimeout NaN', { waitTimeout: NaN }],
  ['waitTimeout 3e9 (over the longest timer, 2^31-1 ms)', { waitTimeout: 3e9 }],
  ['retryDelay 3e9', { retryDelay: 3e9 }],
  ['ttl one day and a second', { ttl: 86_401 }],
  ['signal not an AbortSignal', { signal: {} }],
  ['unknown option', { tll: 5 }],
  ['metricName empty', { metricName: '' }],
  ['metricName with a space', { metricName: 'cart 1' }],
  ['metricName with a newline (forges a label)', { metricName: 'a\nb' }],
  ['metricName over 100 characters', { metricName: 'm'.repeat(101) }],
  ['metricName a number', { metricName: 7 }],
  ['permits 0', { permits: 0 }],
  ['permits -1', { permits: -1 }],
  ['permits 2.5', { permits: 2.5 }],
  ['permits 1001', { permits: 1001 }],
  ['permits as string', { permits: '3' }],
  ["mode 'exclusive'", { mode: 'exclusive' }],
  ["mode 'read' with permits", { mode: 'read', permits: 3 }],
  ['options not an object', 'fast'],
];

/** `withLock` / `@WithLock` options beyond the acquire options. */
export const BAD_HOLD_OPTIONS: [string, unknown][] = [
  ['holdAtLeast -1', { holdAtLeast: -1 }],
  ['holdAtLeast Infinity', { holdAtLeast: Infinity }],
  ['holdAtLeast as string', { holdAtLeast: '500' }],
  ['holdAtLeast 3e9', { holdAtLeast: 3e9 }],
];

/** Module options refused when the module starts. */
export const BAD_MODULE_OPTIONS: [string, unknown][] = [
  ['ttl 0', { ttl: 0 }],
  ['shutdownTimeout -1', { shutdownTimeout: -1 }],
  ['ttl in the millions', { ttl: 5_000_000 }],
  ['a prefix without a trailing slash (covers svc-secrets/ too)', { prefix: 'svc' }],
  ['an empty prefix', { prefix: '' }],
  ['callTimeout 3e9', { callTimeout: 3e9 }],
  ['log "loud"', { log: 'loud' }],
  ['telemetry "yes"', { telemetry: 'yes' }],
  ['an unknown option', { hots: '127.0.0.1:2379' }],
  ['credentials in a host URL (echoed in logs)', { hosts: 'https://root:hunter2@127.0.0.1:2379' }],
  ['credentials before a host:port', { hosts: ['root:hunter2@127.0.0.1:2379'] }],
];

/** `LockExceptionFilter` options refused by its constructor. */
export const BAD_FILTER_OPTIONS: [string, unknown][] = [
  ['lockedStatus 200', { lockedStatus: 200 }],
  ['unavailableStatus "503"', { unavailableStatus: '503' }],
  ['retryAfter 1.5', { retryAfter: 1.5 }],
  ['an unknown option', { status: 423 }],
];
