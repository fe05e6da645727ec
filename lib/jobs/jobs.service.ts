import { Inject, Injectable } from '@nestjs/common';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS } from '../etcd-lock.constants.js';
import type { ResolvedLockSettings } from '../interfaces/etcd-lock-module-options.interface.js';
import type { JobRun, JobStatus } from '../interfaces/job-run.interface.js';
import type { RecordStore } from '../lock/record-store.interface.js';
import { assertLockKey } from '../options/lock-key.validators.js';
import { parseJobState } from './job-history.js';
import { JOB_RECORDS, jobRecordName } from './job-record.js';
import { TickSchedule } from './tick-schedule.js';

/** What the fleet recorded of its `@OncePerTick` jobs, read from etcd by any process. */
@Injectable()
export class JobsService {
  // Injected as properties, as in `LockService`: the published constructor shows no internals.
  @Inject(ETCD_LOCK_BACKEND) private readonly records!: RecordStore;
  @Inject(ETCD_LOCK_SETTINGS) private readonly settings!: ResolvedLockSettings;

  /** The job's recorded runs, newest first; empty if it never ran. */
  async runs(name: string): Promise<JobRun[]> {
    return [...((await this.status(name))?.runs ?? [])];
  }

  /**
   * The job's schedule, last and next tick, and how many ticks are overdue: past
   * `missedAfter` and claimed by no replica (none runs it, or all are down). Undefined if the
   * job never ran.
   */
  async status(name: string): Promise<JobStatus | undefined> {
    const job = assertLockKey(name, 'job name');
    return this.statusOf(job, (await this.records.readRecord(jobRecordName(job))).value);
  }

  /** Every job that has run under this prefix, by name, with its status. */
  async list(): Promise<JobStatus[]> {
    const records = await this.records.listRecords(JOB_RECORDS);
    return records.flatMap(
      ({ name, value }) => this.statusOf(name.slice(JOB_RECORDS.length), value) ?? [],
    );
  }

  private statusOf(job: string, value: string | undefined): JobStatus | undefined {
    const state = parseJobState(value);
    if (!state) return undefined;
    const now = this.settings.clock();
    const schedule = new TickSchedule(state.cron, state.timeZone, `schedule of job "${job}"`);
    const overdue = schedule
      .between(state.lastTick, now)
      .filter((tick) => tick + state.missedAfter < now).length;
    const { cron, timeZone, lastTick, runs } = state;
    const nextTick = schedule.after(now) ?? Number.NaN;
    return { name: job, cron, timeZone, lastTick, nextTick, overdue, runs };
  }
}
