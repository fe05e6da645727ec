import { Cron } from 'croner';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';

/** At most this many overdue ticks are counted, so a job idle for a year costs nothing. */
const MAX_COUNTED = 100;

/** A cron schedule's fire times, read in epoch milliseconds; never runs anything itself. */
export class TickSchedule {
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timeZone: string | undefined,
    argument: string,
  ) {
    try {
      this.cron = new Cron(expression, { paused: true, timezone: timeZone });
      // An impossible date (31 February) parses but never fires: refuse it here, not at run time.
      if (!this.cron.nextRun()) throw new Error(`"${expression}" never fires`);
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      throw new InvalidLockArgumentError({ argument, problem });
    }
  }

  /**
   * The fire time nearest to `now`: replicas whose clocks disagree by less than half the
   * period name the same tick, early or late.
   */
  tickAt(now: number): number {
    const before = this.atOrBefore(now);
    const after = this.after(now);
    if (before === undefined) return after!;
    if (after === undefined) return before;
    return after - now < now - before ? after : before;
  }

  /** The next fire time strictly after `time`. */
  after(time: number): number | undefined {
    return this.cron.nextRun(new Date(time))?.getTime();
  }

  /** The ticks strictly between `from` and `to` (at most 100). */
  between(from: number, to: number): number[] {
    const ticks: number[] = [];
    for (let t = this.after(from); t !== undefined && t < to; t = this.after(t)) {
      if (ticks.push(t) >= MAX_COUNTED) break;
    }
    return ticks;
  }

  private atOrBefore(time: number): number | undefined {
    return this.cron.previousRuns(1, new Date(time + 1))[0]?.getTime();
  }
}
