import { type DynamicModule, Module } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { EtcdLockBackend } from './backend/etcd-lock.backend.js';
import { createEtcdClient } from './client/etcd-client.factory.js';
import {
  ETCD_LOCK_BACKEND,
  ETCD_LOCK_CLIENT,
  ETCD_LOCK_MODULE_OPTIONS,
  ETCD_LOCK_RESOLVED_OPTIONS,
} from './etcd-lock.constants.js';
import {
  ConfigurableEtcdLockModule,
  ETCD_LOCK_ASYNC_OPTIONS_TYPE,
  ETCD_LOCK_OPTIONS_TYPE,
} from './etcd-lock.module-definition.js';
import type {
  EtcdLockModuleOptions,
  ResolvedModuleOptions,
} from './interfaces/etcd-lock-module-options.interface.js';
import { LockService } from './lock.service.js';
import { resolveModuleOptions } from './options/etcd-lock-options.defaults.js';

@Module({
  providers: [
    {
      provide: ETCD_LOCK_RESOLVED_OPTIONS,
      useFactory: (options: EtcdLockModuleOptions) => resolveModuleOptions(options),
      inject: [ETCD_LOCK_MODULE_OPTIONS],
    },
    {
      provide: ETCD_LOCK_CLIENT,
      useFactory: (options: ResolvedModuleOptions) => options.client ?? createEtcdClient(options),
      inject: [ETCD_LOCK_RESOLVED_OPTIONS],
    },
    {
      provide: ETCD_LOCK_BACKEND,
      useFactory: (options: ResolvedModuleOptions, client: Etcd3) =>
        new EtcdLockBackend(client, options.prefix, !options.client),
      inject: [ETCD_LOCK_RESOLVED_OPTIONS, ETCD_LOCK_CLIENT],
    },
    LockService,
  ],
  exports: [LockService, ETCD_LOCK_CLIENT],
})
export class EtcdLockModule extends ConfigurableEtcdLockModule {
  /** Registers the module (global unless `isGlobal: false`). Every option has a default. */
  static override forRoot(options: typeof ETCD_LOCK_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  static override forRootAsync(options: typeof ETCD_LOCK_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
