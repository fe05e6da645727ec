import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS } from '../etcd-lock.constants.js';
import { LockLostError } from '../errors/lock-lost.error.js';
import { LockTracker } from '../events/lock-tracker.js';
import type { ResolvedLockSettings } from '../interfaces/etcd-lock-module-options.interface.js';
import type { JobRun } from '../interfaces/job-run.interface.js';
import { PROCESS_OWNER } from '../lock/process-owner.js';
import { printable } from '../options/printable-text.js';
import type { RecordStore } from '../lock/record-store.interface.js';
import { parseLockCall } from '../options/lock-call.parser.js';
import { LockRunner } from '../runner/lock-runner.js';
import { claimTick, markUnfinishedLost, recordRun } from './job-history.js';
import { updateJobState } from './job-record.js';
import type { TickSchedule } from './tick-schedule.js';

/** A `@OncePerTick` job, resolved once: its name (also its lock), schedule and limits. */
export interface OncePerTickJob {
  readonly name: string;
  readonly schedule: TickSchedule;
  readonly history: number;
  readonly missedAfter: number;
  /** `@OncePerTick on Class.method`, for messages about its lock. */
  readonly site: string;
}

/** The previous run still holding the job's lock means this tick is skipped, not queued. */
const SKIP_IF_HELD = parseLockCall({ onLocked: 'skip' }, '@WithLock');

/**
 * Runs a job once per tick across the fleet. A tick is claimed by compare-and-set on the job's
 * record, so one replica wins it; the winner then takes the job's lock, so runs never overlap:
 * if the previous run still holds it, the tick is recorded as skipped. Every outcome lands in
 * the record's history.
 */
@Injectable()
export class OncePerTickRunner {
  private readonly clock: () => number;
  /** Makes every state this process writes unique, so a lost reply can be recognised. */
  private readonly writerId = `${PROCESS_OWNER}#${randomUUID()}`;
  private writes = 0;
  private readonly logger = new Logger('EtcdLock');

  constructor(
    private readonly locks: LockRunner,
    @Inject(ETCD_LOCK_BACKEND) private readonly records: RecordStore,
    @Inject(ETCD_LOCK_SETTINGS) settings: ResolvedLockSettings,
    private readonly tracker: LockTracker,
  ) {
    this.clock = settings.clock;
  }

  async run<T>(job: OncePerTickJob, body: () => Promise<T>): Promise<T | undefined> {
    const startedAt = this.clock();
    const claimed: JobRun = {
      tick: job.schedule.tickAt(startedAt),
      outcome: 'running',
      id: randomUUID(),
      replica: PROCESS_OWNER,
      startedAt,
    };
    if (!(await this.claim(job, claimed))) return undefined;
    let began = false;
    try {
      const result = await this.locks.runLocked(
        [job.name],
        async () => {
          began = await this.begin(job, claimed);
          return began ? body() : undefined;
        },
        SKIP_IF_HELD,
        job.site,
      );
      const ran = began && { durationMs: this.clock() - startedAt };
      await this.finish(job, {
        ...claimed,
        ...(ran || {}),
        outcome: ran ? 'ok' : 'skipped-overlap',
      });
      return result;
    } catch (error) {
      if (began) {
        const outcome = error instanceof LockLostError ? 'lost' : 'failed';
        const message = error instanceof Error ? error.message : String(error);
        const durationMs = this.clock() - startedAt;
        // The body's own error is what the caller must see; a failed record is only logged.
        await this.finish(job, { ...claimed, outcome, durationMs, error: message }).catch(
          (failure: unknown) =>
            this.logger.warn(
              printable(
                `could not record the ${outcome} run of job "${job.name}": ${String(failure)}`,
              ),
            ),
        );
      }
      throw error;
    }
  }

  /** True if this replica won the tick. */
  private async claim(job: OncePerTickJob, run: JobRun): Promise<boolean> {
    const missed = await updateJobState(this.records, job.name, (state) => {
      const mine = state?.runs.some((r) => sameRun(r, run));
      if (mine) return { result: [] as number[] };
      const { history, missedAfter } = job;
      const limits = { history, missedAfter, writer: this.writer() };
      const next = claimTick(state, job.schedule, run, limits);
      return next && { state: next.state, result: next.missed };
    });
    if (missed?.length) this.tracker.emit('job.missed', { key: job.name, ticks: missed });
    return missed !== undefined;
  }

  /**
   * With the job's lock held: false if a later tick was claimed meanwhile (this run would
   * come after it), else marks runs left unfinished by stopped replicas as lost.
   */
  private async begin(job: OncePerTickJob, run: JobRun): Promise<boolean> {
    const begun = await updateJobState(this.records, job.name, (state) => {
      if (!state || state.lastTick !== run.tick) return { result: false };
      const unfinished = state.runs.some((r) => r.outcome === 'running' && r.tick !== run.tick);
      if (!unfinished) return { result: true };
      return { state: markUnfinishedLost(state, run.tick, this.writer()), result: true };
    });
    return begun === true;
  }

  private async finish(job: OncePerTickJob, run: JobRun): Promise<void> {
    await updateJobState(this.records, job.name, (state) => {
      if (!state?.runs.some((r) => sameRun(r, run))) return undefined;
      return { state: recordRun(state, run, this.writer()), result: true };
    });
  }

  private writer(): string {
    return `${this.writerId}:${++this.writes}`;
  }
}

const sameRun = (a: JobRun, b: JobRun) => a.id === b.id;
