import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS } from '../etcd-lock.constants.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { LockModuleSettings } from '../interfaces/etcd-lock-module-options.interface.js';
import {
  lockExceptionFilterExports,
  lockExceptionFilterProviders,
} from '../transport/lock-exception-filter.provider.js';
import type { HttpErrorsOption } from '../interfaces/lock-exception-filter-options.interface.js';
import { LOCK_CORE_EXPORTS, LOCK_CORE_PROVIDERS } from '../etcd-lock.providers.js';
import { parseLockSettings } from '../options/module-options.parser.js';
import { InMemoryLockBackend, storeOf } from './in-memory-lock.backend.js';

/** `EtcdLockModule`'s lock settings, and the store to keep the locks in. */
export interface EtcdLockTestingModuleOptions extends LockModuleSettings {
  /**
   * The store to use. Pass one instance to several apps to play several replicas.
   * @default a new InMemoryLockBackend per module
   */
  backend?: InMemoryLockBackend;
  /** As in `EtcdLockModule`: lock errors on HTTP routes become 423/503. @default true */
  httpErrors?: HttpErrorsOption;
}

/**
 * `EtcdLockModule` for unit tests: the same `LockService` and `@WithLock`, over an in-memory
 * store with etcd's semantics (waiting, FIFO, timeouts, skip, reentrancy, fencing tokens).
 * Inject `InMemoryLockBackend` to simulate lock loss. Global, like the real module.
 */
@Module({})
export class EtcdLockTestingModule {
  /** Registers the module globally over `options.backend`, or a new in-memory store. */
  static forRoot(options: EtcdLockTestingModuleOptions = {}): DynamicModule {
    const { backend: given, httpErrors, ...rest } = options;
    if (given !== undefined && !(given instanceof InMemoryLockBackend)) {
      throw new InvalidLockArgumentError({
        argument: 'backend',
        problem: 'expected an InMemoryLockBackend',
      });
    }
    const settings = parseLockSettings(rest, 'EtcdLockTestingModule options');
    const backend = given ?? new InMemoryLockBackend(settings.prefix);
    return {
      module: EtcdLockTestingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: ETCD_LOCK_SETTINGS, useValue: settings },
        { provide: InMemoryLockBackend, useValue: backend },
        // Closing this app loses only its own locks, even on a shared backend.
        { provide: ETCD_LOCK_BACKEND, useFactory: () => storeOf(backend).replica() },
        ...LOCK_CORE_PROVIDERS,
        ...lockExceptionFilterProviders(httpErrors),
      ],
      exports: [
        ...LOCK_CORE_EXPORTS,
        InMemoryLockBackend,
        ...lockExceptionFilterExports(httpErrors),
      ],
    };
  }
}
