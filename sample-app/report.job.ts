import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { Etcd3 } from 'etcd3';
import { ETCD_LOCK_CLIENT, OncePerTick } from 'nestjs-etcd-lock';
import { INSTANCE } from './inventory.service.js';

/**
 * A scheduled job that runs once per tick across replicas: the first replica to claim a tick
 * runs it, the others resolve undefined; every run is recorded (`npx nestjs-etcd-lock runs
 * report-job`).
 */
@Injectable()
export class ReportJob {
  constructor(@Inject(ETCD_LOCK_CLIENT) private readonly etcd: Etcd3) {}

  @Cron(CronExpression.EVERY_SECOND)
  @OncePerTick('report-job')
  async buildReport(): Promise<void> {
    const runs = (await this.etcd.get('report-job/runs').number()) ?? 0;
    await this.etcd.put('report-job/runs').value(runs + 1);
    await this.etcd.put(`report-job/by/${INSTANCE}`).value(Date.now());
  }
}
