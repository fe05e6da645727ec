import { type DynamicModule, Module } from '@nestjs/common';
import { EtcdLockModule, type EtcdLockModuleOptions } from '../../lib/index.js';
import { AccountsController } from './accounts.controller.js';
import { CartController, CartService } from './cart.controller.js';
import { CounterStore } from './counter.store.js';
import { CriticalSectionRecorder } from './critical-section.recorder.js';
import { FeedController } from './feed.controller.js';
import { LedgerService } from './ledger.service.js';
import { NightlyReportJob } from './nightly-report.job.js';
import { StockController } from './stock.controller.js';

/** The small app the tests and worker processes run. */
@Module({})
export class TestAppModule {
  static register(options: EtcdLockModuleOptions): DynamicModule {
    return TestAppModule.withLocks(EtcdLockModule.forRoot(options));
  }

  /** The same app over any lock module, e.g. `EtcdLockTestingModule`. */
  static withLocks(lockModule: DynamicModule): DynamicModule {
    return {
      module: TestAppModule,
      imports: [lockModule],
      controllers: [StockController, CartController, FeedController, AccountsController],
      providers: [
        CounterStore,
        CriticalSectionRecorder,
        LedgerService,
        CartService,
        NightlyReportJob,
      ],
    };
  }
}
