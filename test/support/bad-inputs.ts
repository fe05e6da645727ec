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
  ['signal not an AbortSignal', { signal: {} }],
  ['unknown option', { tll: 5 }],
  ['options not an object', 'fast'],
];
