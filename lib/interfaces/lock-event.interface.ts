import type { EtcdLockError } from '../errors/etcd-lock.error.js';
import type { LockLostError } from '../errors/lock-lost.error.js';

/**
 * Each event's own fields, by its kind. Times are milliseconds. `metricName` is the call's
 * (`@WithLock`'s `Class.method`, or the `metricName` option), when it has one.
 */
export interface LockEventFields {
  /** This process acquired `key`. `queued` is true if another holder was ahead. */
  'lock.acquired': {
    key: string;
    fencingToken: bigint;
    waitedMs: number;
    queued: boolean;
    metricName?: string;
  };
  /** Another holder is ahead: the caller is now in line. */
  'lock.queued': { key: string; metricName?: string };
  /** A caller that queued stopped waiting: it got the lock, or gave up. */
  'lock.waited': { key: string; waitedMs: number; acquired: boolean; metricName?: string };
  /** This process released `key`. */
  'lock.released': { key: string; fencingToken: bigint; heldMs: number; metricName?: string };
  /** A held lock can no longer be trusted; `error.reason` says why. */
  'lock.lost': {
    key: string;
    fencingToken: bigint;
    heldMs: number;
    error: LockLostError;
    metricName?: string;
  };
  /** Timed out, aborted, or etcd failed (`LockTimeoutError`, `LockAcquireError`). */
  'lock.failed': { key: string; waitedMs: number; error: EtcdLockError; metricName?: string };
  /** `onLocked: 'skip'` or `tryAcquire` found the lock held. */
  'lock.skipped': { key: string; metricName?: string };
  /**
   * This process force-released `key` (`LockService.forceRelease`): the holders' entries were
   * deleted, and each holder loses the lock with `reason`. For an audit trail.
   */
  'lock.force-released': { key: string; reason: string; fencingTokens: bigint[] };
  /**
   * A lease renewal went out more than TTL/6 late (`phase: 'sent'`: the event loop was
   * blocked) or was answered late (`'answered'`), before any loss. `key` is the lease (hex);
   * `keys` the locks on it; `remainingMs` what the lease had left.
   */
  'lock.renewal-late': {
    key: string;
    ttl: number;
    phase: 'sent' | 'answered';
    lateMs: number;
    remainingMs: number;
    keys: readonly string[];
  };
  /** A lock has been held longer than `alerts.heldLongerThan` (once per acquisition). */
  'lock.held-too-long': { key: string; fencingToken: bigint; heldMs: number };
  /** A caller has waited longer than `alerts.waitingLongerThan` (once per acquisition). */
  'lock.waiting-too-long': { key: string; waitedMs: number };
  /** This process now leads the election `key` (`LeaderService`, `@OnlyLeader`). */
  'leader.elected': { key: string; term: bigint };
  /** This process no longer leads `key`, without having resigned. */
  'leader.lost': { key: string; term: bigint; error: LockLostError };
  /** This process stopped leading `key` of its own accord (resigned, or shut down). */
  'leader.resigned': { key: string; term: bigint };
  /**
   * Ticks of the `@OncePerTick` job `key` that no replica claimed (epoch ms, oldest first),
   * found by the replica that claimed the next one.
   */
  'job.missed': { key: string; ticks: number[] };
}

/** What an event is, as `<lock|leader|job>.<what happened>`: `'lock.acquired'`, `'leader.lost'`. */
export type LockEventKind = keyof LockEventFields;

/** The names events had in `type` before `kind`, seven of them without a `lock.` prefix. */
export interface LegacyLockEventTypes {
  'lock.acquired': 'acquired';
  'lock.queued': 'queued';
  'lock.waited': 'waited';
  'lock.released': 'released';
  'lock.lost': 'lost';
  'lock.failed': 'failed';
  'lock.skipped': 'skipped';
  'lock.force-released': 'lock.force-released';
  'lock.renewal-late': 'lock.renewal-late';
  'lock.held-too-long': 'lock.held-too-long';
  'lock.waiting-too-long': 'lock.waiting-too-long';
  'leader.elected': 'leader.elected';
  'leader.lost': 'leader.lost';
  'leader.resigned': 'leader.resigned';
  'job.missed': 'job.missed';
}

/** What happened to one acquisition, one held lock or one election; switch on `kind`. */
export type LockEvent = {
  [K in LockEventKind]: {
    /** What happened. */
    readonly kind: K;
    /**
     * The old name of `kind` (`'acquired'` for `'lock.acquired'`).
     * @deprecated Read `kind`; `type` is removed in the next minor version.
     */
    readonly type: LegacyLockEventTypes[K];
  } & LockEventFields[K];
}[LockEventKind];

/**
 * The old event names.
 * @deprecated Use `LockEventKind`; removed in the next minor version.
 */
export type LockEventType = LockEvent['type'];
