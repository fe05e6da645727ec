import { type DynamicModule, Module } from '@nestjs/common';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_RESOLVED_OPTIONS } from '../etcd-lock.constants.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { EtcdLockModuleOptions } from '../interfaces/etcd-lock-module-options.interface.js';
import { LockService } from '../lock.service.js';
import { resolveModuleOptions } from '../options/etcd-lock-options.defaults.js';
import { InMemoryLockBackend } from './in-memory-lock.backend.js';

const CONNECTION_OPTIONS = ['hosts', 'auth', 'credentials', 'client', 'callTimeout'] as const;
type ConnectionOption = (typeof CONNECTION_OPTIONS)[number];

export interface EtcdLockTestingModuleOptions extends Omit<
  EtcdLockModuleOptions,
  ConnectionOption
> {
  /**
   * The store to use. Pass one instance to several apps to play several replicas.
   * @default a new InMemoryLockBackend per module
   */
  backend?: InMemoryLockBackend;
}

/**
 * `EtcdLockModule` for unit tests: the same `LockService` and `@WithLock`, over an in-memory
 * store with etcd's semantics (waiting, FIFO, timeouts, skip, reentrancy, fencing tokens).
 * Inject `InMemoryLockBackend` to simulate lock loss. Global, like the real module.
 */
@Module({})
export class EtcdLockTestingModule {
  static forRoot(options: EtcdLockTestingModuleOptions = {}): DynamicModule {
    const { backend: given, ...rest } = options;
    if (given !== undefined && !(given instanceof InMemoryLockBackend)) {
      throw new InvalidLockArgumentError('backend', 'expected an InMemoryLockBackend');
    }
    const connection = CONNECTION_OPTIONS.filter((name) => name in rest);
    if (connection.length > 0) {
      throw new InvalidLockArgumentError(
        'EtcdLockTestingModule options',
        `${connection.join(', ')} configure etcd, which the in-memory backend does not use`,
      );
    }
    const resolved = resolveModuleOptions({ ...rest, hosts: 'in-memory' });
    const backend = given ?? new InMemoryLockBackend(resolved.prefix);
    return {
      module: EtcdLockTestingModule,
      global: true,
      providers: [
        { provide: ETCD_LOCK_RESOLVED_OPTIONS, useValue: resolved },
        { provide: InMemoryLockBackend, useValue: backend },
        // Closing this app loses only its own locks, even on a shared backend.
        { provide: ETCD_LOCK_BACKEND, useFactory: () => backend.replica() },
        LockService,
      ],
      exports: [LockService, InMemoryLockBackend],
    };
  }
}
