import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ETCD_LOCK_MODULE_OPTIONS } from './etcd-lock.constants.js';
import {
  type HttpErrorsOption,
  lockExceptionFilterProviders,
} from './http/lock-exception-filter.provider.js';
import type { EtcdLockModuleOptions } from './interfaces/etcd-lock-module-options.interface.js';

/** Given to `forRoot`/`forRootAsync` directly: they shape the module, not the locks. */
export interface ModuleExtras {
  /** Register `LockService` globally. @default true */
  isGlobal?: boolean;
  /**
   * Map lock errors on HTTP routes app-wide: `LockTimeoutError` → 423, `LockAcquireError` →
   * 503, with `Retry-After`. Pass `LockExceptionFilterOptions` to change the statuses, or
   * `false` to let your own exception filters see them.
   * @default true
   */
  httpErrors?: HttpErrorsOption;
}

export const {
  ConfigurableModuleClass: ConfigurableEtcdLockModule,
  OPTIONS_TYPE: ETCD_LOCK_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ETCD_LOCK_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EtcdLockModuleOptions>({
  optionsInjectionToken: ETCD_LOCK_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createEtcdLockOptions')
  .setExtras<ModuleExtras>({ isGlobal: true, httpErrors: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [
      ...(definition.providers ?? []),
      ...lockExceptionFilterProviders(extras.httpErrors),
    ],
  }))
  .build();
