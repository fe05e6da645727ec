import type { EtcdLockError } from '../errors/etcd-lock.error.js';
import type { LockLostError } from '../errors/lock-lost.error.js';

/** What happened to one acquisition or one held lock. Times are milliseconds. */
export type LockEvent =
  | {
      type: 'acquired';
      key: string;
      fencingToken: bigint;
      waitedMs: number;
      /** True if another holder was ahead and the caller queued. */
      queued: boolean;
    }
  /** Another holder is ahead: the caller is now in line. */
  | { type: 'queued'; key: string }
  /** A caller that queued stopped waiting: it got the lock, or gave up. */
  | { type: 'waited'; key: string; waitedMs: number; acquired: boolean }
  | { type: 'released'; key: string; fencingToken: bigint; heldMs: number }
  | { type: 'lost'; key: string; fencingToken: bigint; heldMs: number; error: LockLostError }
  /** Timed out, aborted, or etcd failed (`LockTimeoutError`, `LockAcquireError`). */
  | { type: 'failed'; key: string; waitedMs: number; error: EtcdLockError }
  /** `onLocked: 'skip'` or `tryAcquire` found the lock held. */
  | { type: 'skipped'; key: string }
  /**
   * This process force-released `key` (`LockService.forceRelease`): the holders' entries were
   * deleted, and each holder loses the lock with `reason`. For an audit trail.
   */
  | { type: 'lock.force-released'; key: string; reason: string; fencingTokens: bigint[] }
  /** A lock has been held longer than `alerts.heldLongerThan` (once per acquisition). */
  | { type: 'lock.held-too-long'; key: string; fencingToken: bigint; heldMs: number }
  /** A caller has waited longer than `alerts.waitingLongerThan` (once per acquisition). */
  | { type: 'lock.waiting-too-long'; key: string; waitedMs: number }
  /** This process now leads the election `key` (`LeaderService`, `@OnlyLeader`). */
  | { type: 'leader.elected'; key: string; term: bigint }
  /** This process no longer leads `key`, without having resigned. */
  | { type: 'leader.lost'; key: string; term: bigint; error: LockLostError };

/** The kinds of `LockEvent`, for filtering `events$`. */
export type LockEventType = LockEvent['type'];
