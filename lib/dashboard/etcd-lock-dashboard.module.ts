import { type DynamicModule, Module } from '@nestjs/common';
import type { EtcdLockDashboardOptions } from './dashboard-options.interface.js';
import { dashboardController } from './dashboard.controller.js';
import { DashboardFeed } from './dashboard-feed.js';
import { DashboardJobs } from './dashboard-jobs.js';
import { parseDashboardOptions } from './dashboard-options.parser.js';
import { DASHBOARD_OPTIONS } from './dashboard.tokens.js';

/**
 * A live page of every lock, its holders and waiters, the `@OncePerTick` jobs' last runs, and
 * recent events, updated from an etcd watch. Off unless imported; next to `EtcdLockModule.forRoot()`, which provides the locks.
 */
@Module({})
export class EtcdLockDashboardModule {
  /** Serves the page at `path`; options are checked here, once. */
  static forRoot(options: EtcdLockDashboardOptions = {}): DynamicModule {
    const resolved = parseDashboardOptions(options);
    return {
      module: EtcdLockDashboardModule,
      controllers: [dashboardController(resolved)],
      providers: [{ provide: DASHBOARD_OPTIONS, useValue: resolved }, DashboardFeed, DashboardJobs],
    };
  }
}
