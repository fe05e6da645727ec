import type { ComparatorBuilder } from 'etcd3';
import type { AcquireOptions } from '../interfaces/lock-options.interface.js';

/** Who leads an election: the leader's proposal and its term. */
export interface LeaderInfo {
  /** What the leader campaigned with, or proclaimed since. */
  readonly value: string;
  /** Strictly increases from one leader to the next: a fencing token. */
  readonly term: bigint;
}

/** Options of `LeaderService.campaign`. */
export interface CampaignOptions extends AcquireOptions {
  /**
   * The proposal others see through `leader()` and `observe()`. At most 64 KiB.
   * @default `hostname/pid` of this process
   */
  value?: string;
}

/** This process's leadership of one election. Dispose it (`await using`) or call `resign()`. */
export interface Leadership extends AsyncDisposable {
  /** The election name, without the module prefix. */
  readonly name: string;
  /** The current proposal. */
  readonly value: string;
  /** Strictly increases from one leader to the next. Pass it to what the leader writes to. */
  readonly term: bigint;
  /** Aborts with `LockLostError` when leadership is lost. Stop leader-only work then. */
  readonly signal: AbortSignal;
  /** False once resigned or lost. A local view: only fenced writes are proof. */
  readonly isLeader: boolean;
  /** Replaces the proposal; rejects with `LockLostError` if this process no longer leads. */
  proclaim(value: string): Promise<void>;
  /** Steps down: the next candidate leads. Safe to call more than once. */
  resign(): Promise<void>;
  /** An etcd transaction that applies only while this process still leads (like `ifHeld()`). */
  ifLeader(): ComparatorBuilder;
}
