/** Module for unit tests: `LockService` and the decorators over an in-memory store. */
export { EtcdLockTestingModule } from './etcd-lock-testing.module.js';
/** Its options: the lock settings of `EtcdLockModule`, and the store to share. */
export type { EtcdLockTestingModuleOptions } from './etcd-lock-testing.module.js';
/** The in-memory store, with what tests use to simulate lock loss. */
export { InMemoryLockBackend } from './in-memory-lock.backend.js';
/** Thrown by a fenced write (`ifHeld()`), which needs etcd. */
export { FencedWriteUnsupportedError } from './in-memory-lock.js';
/** Types the options above are made of, as the main entry exports them. */
export type {
  HttpErrorsOption,
  LockAlertOptions,
  LockExceptionFilterOptions,
  LockLogLevel,
  LockModuleSettings,
  LockTimingOptions,
} from '../index.js';
/** Base class of every error the library throws, as the main entry exports it. */
export { EtcdLockError } from '../errors/etcd-lock.error.js';
