import type { EtcdLockError } from '../errors/etcd-lock.error.js';
import type { LockLostError } from '../errors/lock-lost.error.js';

/** Each event's own fields, by its kind. Times are milliseconds. */
export interface LockEventFields {
  /** This process acquired `key`. `queued` is true if another holder was ahead. */
  'lock.acquired': { key: string; fencingToken: bigint; waitedMs: number; queued: boolean };
  /** Another holder is ahead: the caller is now in line. */
  'lock.queued': { key: string };
  /** A caller that queued stopped waiting: it got the lock, or gave up. */
  'lock.waited': { key: string; waitedMs: number; acquired: boolean };
  /** This process released `key`. */
  'lock.released': { key: string; fencingToken: bigint; heldMs: number };
  /** A held lock can no longer be trusted; `error.reason` says why. */
  'lock.lost': { key: string; fencingToken: bigint; heldMs: number; error: LockLostError };
  /** Timed out, aborted, or etcd failed (`LockTimeoutError`, `LockAcquireError`). */
  'lock.failed': { key: string; waitedMs: number; error: EtcdLockError };
  /** `onLocked: 'skip'` or `tryAcquire` found the lock held. */
  'lock.skipped': { key: string };
  /**
   * This process force-released `key` (`LockService.forceRelease`): the holders' entries were
   * deleted, and each holder loses the lock with `reason`. For an audit trail.
   */
  'lock.force-released': { key: string; reason: string; fencingTokens: bigint[] };
  /** A lock has been held longer than `alerts.heldLongerThan` (once per acquisition). */
  'lock.held-too-long': { key: string; fencingToken: bigint; heldMs: number };
  /** A caller has waited longer than `alerts.waitingLongerThan` (once per acquisition). */
  'lock.waiting-too-long': { key: string; waitedMs: number };
  /** This process now leads the election `key` (`LeaderService`, `@OnlyLeader`). */
  'leader.elected': { key: string; term: bigint };
  /** This process no longer leads `key`, without having resigned. */
  'leader.lost': { key: string; term: bigint; error: LockLostError };
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
  'lock.held-too-long': 'lock.held-too-long';
  'lock.waiting-too-long': 'lock.waiting-too-long';
  'leader.elected': 'leader.elected';
  'leader.lost': 'leader.lost';
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
