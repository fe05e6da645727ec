import type { JobRun } from '../interfaces/job-run.interface.js';
import type { TickSchedule } from './tick-schedule.js';

/** A job's record in etcd: its schedule, the last tick claimed, and its runs, newest first. */
export interface JobState {
  readonly cron: string;
  readonly timeZone?: string;
  readonly lastTick: number;
  /** The job's `missedAfter`, for readers that have no decorator to ask. */
  readonly missedAfter: number;
  /** Who wrote this state last: a write whose reply was lost recognises itself by it. */
  readonly writer: string;
  readonly runs: readonly JobRun[];
}

/** A stored state, or undefined for none; a record that is not one starts the history over. */
export function parseJobState(value: string | undefined): JobState | undefined {
  if (value === undefined) return undefined;
  try {
    const state = JSON.parse(value) as JobState;
    return typeof state.lastTick === 'number' && Array.isArray(state.runs) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** What a claim writes: this tick, and the ticks nobody claimed since the last one, missed. */
export function claimTick(
  state: JobState | undefined,
  schedule: TickSchedule,
  run: JobRun,
  limits: { history: number; missedAfter: number; writer: string },
): { state: JobState; missed: number[] } | undefined {
  if (state && state.lastTick >= run.tick) return undefined;
  const missed = state ? schedule.between(state.lastTick, run.tick) : [];
  const missedRuns = missed.reverse().map((tick): JobRun => ({ tick, outcome: 'missed' }));
  const runs = [run, ...missedRuns, ...(state?.runs ?? [])].slice(0, limits.history);
  const { expression: cron, timeZone } = schedule;
  return {
    state: {
      cron,
      timeZone,
      lastTick: run.tick,
      missedAfter: limits.missedAfter,
      writer: limits.writer,
      runs,
    },
    missed: missed.reverse(),
  };
}

/** Replaces the run with `run`'s id (if still kept) with `run`. */
export function recordRun(state: JobState, run: JobRun, writer: string): JobState {
  const runs = state.runs.map((r) => (r.id === run.id ? run : r));
  return { ...state, writer, runs };
}

/**
 * Runs still `running` other than `tick`'s, once the job's lock is ours: no run of them can
 * be alive, so their replica stopped (or lost the lock) before recording an outcome.
 */
export function markUnfinishedLost(state: JobState, tick: number, writer: string): JobState {
  const error = 'its replica stopped, or lost the lock, before recording an outcome';
  const runs = state.runs.map((r): JobRun =>
    r.outcome === 'running' && r.tick !== tick ? { ...r, outcome: 'lost', error } : r,
  );
  return { ...state, writer, runs };
}
