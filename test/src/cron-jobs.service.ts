import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { WithLock } from '../../lib/index.js';

export interface CronRun {
  job: string;
  /** The wall-clock second the tick belongs to: the same on every replica. */
  tick: number;
  pid: number;
}

const HOLD_AT_LEAST = Number(process.env.HOLD_AT_LEAST ?? 500);

/** Two every-second jobs, one per decorator order; each run prints one JSON line. */
@Injectable()
export class CronJobsService {
  @Cron(CronExpression.EVERY_SECOND)
  @WithLock('cron:cron-above', { onLocked: 'skip', holdAtLeast: HOLD_AT_LEAST })
  async cronAbove(): Promise<void> {
    report('cron-above');
  }

  @WithLock('cron:lock-above', { onLocked: 'skip', holdAtLeast: HOLD_AT_LEAST })
  @Cron(CronExpression.EVERY_SECOND)
  async lockAbove(): Promise<void> {
    report('lock-above');
  }
}

function report(job: string): void {
  const run: CronRun = { job, tick: Math.floor(Date.now() / 1000), pid: process.pid };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}
