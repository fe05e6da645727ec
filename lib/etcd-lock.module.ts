import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  ETCD_LOCK_BACKEND,
  ETCD_LOCK_CLIENT,
  ETCD_LOCK_CONNECTION,
  ETCD_LOCK_MODULE_OPTIONS,
  ETCD_LOCK_SETTINGS,
} from './etcd-lock.constants.js';
import { ConfigurableEtcdLockModule } from './etcd-lock.module-definition.js';
import { createEtcdClient, createEtcdLockBackend } from './etcd/etcd-lock.backend.js';
import type {
  EtcdLockModuleOptions,
  EtcdLockRootAsyncOptions,
  EtcdLockRootOptions,
  ResolvedConnection,
} from './interfaces/etcd-lock-module-options.interface.js';
import { LOCK_CORE_EXPORTS, LOCK_CORE_PROVIDERS } from './etcd-lock.providers.js';
import { parseModuleOptions } from './options/module-options.parser.js';

const PARSED_OPTIONS = 'ETCD_LOCK:PARSED_OPTIONS';
type ParsedOptions = ReturnType<typeof parseModuleOptions>;

/**
 * Distributed locks on etcd for the whole app: provides `LockService` and `LeaderService`, and
 * makes `@WithLock` and `@OnlyLeader` work in every module. Import it once, in the root module.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: PARSED_OPTIONS,
      useFactory: (options: EtcdLockModuleOptions) => parseModuleOptions(options),
      inject: [ETCD_LOCK_MODULE_OPTIONS],
    },
    {
      provide: ETCD_LOCK_SETTINGS,
      useFactory: (parsed: ParsedOptions) => parsed.settings,
      inject: [PARSED_OPTIONS],
    },
    {
      provide: ETCD_LOCK_CONNECTION,
      useFactory: (parsed: ParsedOptions) => parsed.connection,
      inject: [PARSED_OPTIONS],
    },
    {
      provide: ETCD_LOCK_CLIENT,
      useFactory: (connection: ResolvedConnection) =>
        connection.client ?? createEtcdClient(connection),
      inject: [ETCD_LOCK_CONNECTION],
    },
    {
      provide: ETCD_LOCK_BACKEND,
      useFactory: createEtcdLockBackend,
      inject: [ETCD_LOCK_SETTINGS, ETCD_LOCK_CONNECTION, ETCD_LOCK_CLIENT],
    },
    ...LOCK_CORE_PROVIDERS,
  ],
  exports: [...LOCK_CORE_EXPORTS, ETCD_LOCK_CLIENT],
})
export class EtcdLockModule {
  /** Registers the module (global unless `isGlobal: false`). Every option has a default. */
  static forRoot(options: EtcdLockRootOptions = {}): DynamicModule {
    return { ...ConfigurableEtcdLockModule.forRoot(options), module: EtcdLockModule };
  }

  /** Registers the module with options made by a factory, a class or an existing provider. */
  static forRootAsync(options: EtcdLockRootAsyncOptions): DynamicModule {
    return { ...ConfigurableEtcdLockModule.forRootAsync(options), module: EtcdLockModule };
  }
}
