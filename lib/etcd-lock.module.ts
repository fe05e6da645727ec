import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Etcd3 } from 'etcd3';
import {
  ETCD_LOCK_BACKEND,
  ETCD_LOCK_CLIENT,
  ETCD_LOCK_CONNECTION,
  ETCD_LOCK_MODULE_OPTIONS,
  ETCD_LOCK_SETTINGS,
} from './etcd-lock.constants.js';
import {
  ConfigurableEtcdLockModule,
  ETCD_LOCK_ASYNC_OPTIONS_TYPE,
  ETCD_LOCK_OPTIONS_TYPE,
} from './etcd-lock.module-definition.js';
import { createEtcdClient, createEtcdMembers } from './etcd/cluster/etcd-client.factory.js';
import { EtcdLockBackend } from './etcd/etcd-lock.backend.js';
import { EtcdMembers } from './etcd/cluster/etcd-members.js';
import type {
  EtcdLockModuleOptions,
  ResolvedConnection,
  ResolvedLockSettings,
} from './interfaces/etcd-lock-module-options.interface.js';
import { LeaderService } from './election/leader.service.js';
import { OnlyLeaderExplorer } from './election/only-leader.explorer.js';
import { LockService } from './lock.service.js';
import { parseModuleOptions } from './options/module-options.parser.js';

const PARSED_OPTIONS = 'ETCD_LOCK:PARSED_OPTIONS';
type ParsedOptions = ReturnType<typeof parseModuleOptions>;

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
      useFactory: (
        settings: ResolvedLockSettings,
        connection: ResolvedConnection,
        client: Etcd3,
      ) => {
        const given = connection.client;
        // A client the user passed in is used as it is: its own pool picks the member.
        const members = given
          ? new EtcdMembers([{ host: 'the given client', client: given }])
          : createEtcdMembers(connection);
        const { prefix } = settings;
        return new EtcdLockBackend(members, client, prefix, connection.callTimeout, !given);
      },
      inject: [ETCD_LOCK_SETTINGS, ETCD_LOCK_CONNECTION, ETCD_LOCK_CLIENT],
    },
    LockService,
    LeaderService,
    OnlyLeaderExplorer,
  ],
  exports: [LockService, LeaderService, ETCD_LOCK_CLIENT],
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
