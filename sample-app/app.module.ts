import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EtcdLockModule } from 'nestjs-etcd-lock';
import { InventoryController } from './inventory.controller.js';
import { InventoryService } from './inventory.service.js';
import { InventoryStore } from './inventory.store.js';
import { ReportJob } from './report.job.js';

@Module({
  imports: [
    // hosts come from ETCD_HOSTS; everything else keeps its default.
    EtcdLockModule.forRoot({ prefix: 'sample-app/' }),
    ...(process.env.REPORT_JOB === 'off' ? [] : [ScheduleModule.forRoot()]),
  ],
  controllers: [InventoryController],
  providers: [InventoryStore, InventoryService, ReportJob],
})
export class AppModule {}
