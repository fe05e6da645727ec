/**
 * How one scheduled tick ended: `running` (not finished yet, or its replica died: the next run
 * marks it `lost`), `ok`, `failed`, `skipped-overlap` (the previous run still held the job),
 * `lost` (the job's lock was lost mid-run, or its replica stopped), `missed` (no replica
 * claimed the tick within `missedAfter`).
 */
export type JobRunOutcome = 'running' | 'ok' | 'failed' | 'skipped-overlap' | 'lost' | 'missed';

/** One tick of a `@OncePerTick` job, as the fleet recorded it in etcd. Times are epoch ms. */
export interface JobRun {
  /** The scheduled fire time this run belongs to. */
  readonly tick: number;
  /** How it ended, or `running`. */
  readonly outcome: JobRunOutcome;
  /** Unique to this run; absent for a missed tick. */
  readonly id?: string;
  /** `hostname/pid` of the replica that claimed the tick; absent for a missed tick. */
  readonly replica?: string;
  /** When the replica claimed the tick, by its clock. */
  readonly startedAt?: number;
  /** From the claim to the end of the run, for a run that ended. */
  readonly durationMs?: number;
  /** The error's message, for `failed` and `lost`. */
  readonly error?: string;
}

/** A job's schedule and history, newest run first, with what is due next. */
export interface JobStatus {
  /** The job's name, as `@OncePerTick` gave it. */
  readonly name: string;
  /** The cron expression, as the last claimant read it. */
  readonly cron: string;
  /** The schedule's IANA time zone; UTC when absent. */
  readonly timeZone?: string;
  /** The last tick a replica claimed. */
  readonly lastTick: number;
  /** The next fire time after now. */
  readonly nextTick: number;
  /** Ticks after `lastTick` that are overdue by more than `missedAfter`, and unclaimed. */
  readonly overdue: number;
  /** The recorded runs, newest first, at most `history` of them. */
  readonly runs: readonly JobRun[];
}

/** `@OncePerTick(name, options)`. */
export interface OncePerTickOptions {
  /**
   * The schedule, in cron syntax (seconds optional). Read from the method's `@Cron(...)` of
   * `@nestjs/schedule` when not given; one of the two is required.
   */
  cron?: string;
  /** IANA time zone of `cron`; `@Cron`'s `timeZone` when read from there. @default UTC */
  timeZone?: string;
  /** How many runs to keep, newest first (1 to 100). @default 20 */
  history?: number;
  /** A tick no replica claimed this long after its time is reported missed. @default 60000 */
  missedAfter?: number;
}
