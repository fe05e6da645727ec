import { Injectable } from '@nestjs/common';
import { OncePerTick } from '../../lib/index.js';

/** A daily job that any test may call by hand, as the scheduler would at its tick. */
@Injectable()
export class NightlyReportJob {
  /** Runs of this instance's replica, to count against the recorded history. */
  ran = 0;

  @OncePerTick('nightly-report', { cron: '0 2 * * *', timeZone: 'Europe/Paris' })
  async run(): Promise<string | undefined> {
    this.ran++;
    return 'report sent';
  }
}
