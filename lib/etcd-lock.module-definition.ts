import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ETCD_LOCK_MODULE_OPTIONS } from './etcd-lock.constants.js';
import type { EtcdLockModuleOptions } from './interfaces/etcd-lock-module-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableEtcdLockModule,
  OPTIONS_TYPE: ETCD_LOCK_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ETCD_LOCK_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EtcdLockModuleOptions>({
  optionsInjectionToken: ETCD_LOCK_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createEtcdLockOptions')
  .setExtras<{ isGlobal?: boolean }>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
