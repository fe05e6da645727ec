import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ETCD_LOCK_MODULE_OPTIONS } from './etcd-lock.constants.js';
import {
  lockExceptionFilterExports,
  lockExceptionFilterProviders,
} from './transport/lock-exception-filter.provider.js';
import type {
  EtcdLockModuleExtras,
  EtcdLockModuleOptions,
} from './interfaces/etcd-lock-module-options.interface.js';

/**
 * Nest's builder makes `forRoot`/`forRootAsync` (options provider, async factories, extras);
 * `EtcdLockModule` calls them and names the module itself, so that its published type shows
 * only option types of ours.
 */
export const { ConfigurableModuleClass: ConfigurableEtcdLockModule } =
  new ConfigurableModuleBuilder<EtcdLockModuleOptions>({
    optionsInjectionToken: ETCD_LOCK_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createEtcdLockOptions')
    .setExtras<EtcdLockModuleExtras>(
      { isGlobal: true, httpErrors: true },
      (definition, extras) => ({
        ...definition,
        global: extras.isGlobal,
        providers: [
          ...(definition.providers ?? []),
          ...lockExceptionFilterProviders(extras.httpErrors),
        ],
        exports: [...(definition.exports ?? []), ...lockExceptionFilterExports(extras.httpErrors)],
      }),
    )
    .build();
