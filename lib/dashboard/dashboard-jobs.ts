import { Injectable } from '@nestjs/common';
import {
  catchError,
  distinctUntilChanged,
  EMPTY,
  type Observable,
  ReplaySubject,
  share,
  switchMap,
  timer,
} from 'rxjs';
import type { JobStatus } from '../interfaces/job-run.interface.js';
import { JobsService } from '../jobs/jobs.service.js';

/** Job records change at most once per tick, and have no watch: read this often. */
const JOBS_POLL_MS = 2_000;

/** A job as the page gets it: its last run, next tick, and what went missed. */
export interface JobView {
  name: string;
  cron: string;
  timeZone: string | null;
  lastTick: string;
  nextTick: string | null;
  outcome: string;
  replica: string | null;
  durationMs: number | null;
  error: string | null;
  /** Ticks overdue now, plus those recorded missed in the kept history. */
  missed: number;
}

/** The jobs panel's data: every recorded job, read while a page is open, as JSON once. */
@Injectable()
export class DashboardJobs {
  readonly jobs$: Observable<string>;

  constructor(private readonly jobs: JobsService) {
    this.jobs$ = timer(0, JOBS_POLL_MS).pipe(
      // A read that fails (etcd away) leaves the panel as it was; the next one may succeed.
      switchMap(() =>
        jobs
          .list()
          .then(toJobViews)
          .catch(() => undefined),
      ),
      switchMap((views) => (views ? [JSON.stringify(views)] : EMPTY)),
      distinctUntilChanged(),
      catchError(() => EMPTY),
      share({ connector: () => new ReplaySubject<string>(1), resetOnRefCountZero: true }),
    );
  }

  /** The jobs read now, as JSON. */
  async current(): Promise<string> {
    return JSON.stringify(toJobViews(await this.jobs.list()));
  }
}

function toJobViews(jobs: readonly JobStatus[]): JobView[] {
  return jobs.map((job) => {
    const last = job.runs[0];
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    return {
      name: job.name,
      cron: job.cron,
      timeZone: job.timeZone ?? null,
      lastTick: iso(job.lastTick)!,
      nextTick: iso(job.nextTick),
      outcome: last?.outcome ?? 'none',
      replica: last?.replica ?? null,
      durationMs: last?.durationMs ?? null,
      error: last?.error ?? null,
      missed: job.overdue + job.runs.filter((r) => r.outcome === 'missed').length,
    };
  });
}
