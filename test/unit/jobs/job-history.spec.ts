import { describe, expect, it } from 'vitest';
import type { JobRun } from '../../../lib/interfaces/job-run.interface.js';
import {
  claimTick,
  markUnfinishedLost,
  parseJobState,
  recordRun,
} from '../../../lib/jobs/job-history.js';
import { TickSchedule } from '../../../lib/jobs/tick-schedule.js';

const schedule = new TickSchedule('* * * * * *', undefined, 'test');
const limits = { history: 5, missedAfter: 60_000, writer: 'w' };
const T = Date.parse('2026-12-05T10:00:00Z');
const running = (tick: number, replica = 'a/1'): JobRun => ({
  tick,
  outcome: 'running',
  id: `${replica}@${tick}`,
  replica,
  startedAt: tick,
});

describe('job history', () => {
  it('lets the first claim of a tick win and refuses every later claim of it or an older one', () => {
    const first = claimTick(undefined, schedule, running(T), limits)!;
    expect(first.state.lastTick).toBe(T);
    expect(claimTick(first.state, schedule, running(T, 'b/2'), limits)).toBeUndefined();
    expect(claimTick(first.state, schedule, running(T - 1000), limits)).toBeUndefined();
  });

  it('records the ticks skipped since the last claim as missed, oldest last', () => {
    const first = claimTick(undefined, schedule, running(T), limits)!;
    const later = claimTick(first.state, schedule, running(T + 3000), limits)!;
    expect(later.missed).toEqual([T + 1000, T + 2000]);
    expect(later.state.runs.map((r) => [r.tick - T, r.outcome])).toEqual([
      [3000, 'running'],
      [2000, 'missed'],
      [1000, 'missed'],
      [0, 'running'],
    ]);
  });

  it('keeps at most `history` runs, newest first', () => {
    let state = claimTick(undefined, schedule, running(T), limits)!.state;
    for (let i = 1; i <= 8; i++)
      state = claimTick(state, schedule, running(T + i * 1000), limits)!.state;
    expect(state.runs.map((r) => (r.tick - T) / 1000)).toEqual([8, 7, 6, 5, 4]);
  });

  it('replaces a run by its id, and marks only the other unfinished runs lost', () => {
    let state = claimTick(undefined, schedule, running(T), limits)!.state;
    state = claimTick(state, schedule, running(T + 1000), limits)!.state;
    state = markUnfinishedLost(state, T + 1000, 'w');
    state = recordRun(state, { ...running(T + 1000), outcome: 'ok', durationMs: 5 }, 'w');
    expect(state.runs.map((r) => r.outcome)).toEqual(['ok', 'lost']);
  });

  it('reads a record that is not a job state as none, so the history starts over', () => {
    expect(parseJobState('not json')).toBeUndefined();
    expect(parseJobState('{"runs": 3}')).toBeUndefined();
    expect(parseJobState(undefined)).toBeUndefined();
  });
});
