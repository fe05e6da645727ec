import type { LockShape, ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';

/** The one place where defaults live. The README's options table shows the same values. */
export const LOCK_DEFAULTS: ResolvedTimingOptions = {
  ttl: 10,
  retries: 3,
  retryDelay: 100,
  waitTimeout: 30_000,
  // Off: a hung method keeps its lock until the process dies, as before, unless you set it.
  maxHold: Infinity,
};
/** Every lock name is stored under it: `<prefix><name>/`. */
export const DEFAULT_PREFIX = 'nestjs-lock/';
export const DEFAULT_HOST = '127.0.0.1:2379';
/** With several members a silent one is left after this long; the next member answers instead. */
export const DEFAULT_CALL_TIMEOUT = 1_000;
/** With one member (or a client of the user's) there is nowhere to go: waiting is the better bet. */
export const DEFAULT_CALL_TIMEOUT_ONE_MEMBER = 5_000;
/** Enqueues and releases coming together share one etcd transaction. */
export const DEFAULT_GROUP_COMMIT = true;
/** etcd's own default `--max-txn-ops`. */
export const DEFAULT_MAX_TXN_OPS = 128;
export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;
export const DEFAULT_LOG_LEVEL = 'lost';
export const DEFAULT_TELEMETRY = true;
export const DEFAULT_ON_LOCKED = 'wait';
export const DEFAULT_HOLD_AT_LEAST = 0;
/** `@OncePerTick`: runs kept per job, and the most a job may keep (its record stays small). */
export const DEFAULT_JOB_HISTORY = 20;
export const MAX_JOB_HISTORY = 100;
/** `@OncePerTick`: a tick nobody claimed this long after its time is reported missed. */
export const DEFAULT_MISSED_AFTER = 60_000;
/** A plain lock: one holder, exclusive. What `mode` and `permits` default to. */
export const EXCLUSIVE: LockShape = { mode: 'write', permits: 1 };
/** The most names one acquisition may take: all go in one etcd transaction. */
export const MAX_KEYS_PER_LOCK = 16;
/** The most permits of a semaphore: each waiter counts the entries ahead of it. */
export const MAX_PERMITS = 1000;
