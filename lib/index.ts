export { EtcdLockModule } from './etcd-lock.module.js';
export { LockService } from './lock.service.js';
export { WithLock } from './decorators/with-lock.decorator.js';
export type { LockKey } from './decorators/lock-key.resolver.js';
export type { Lock } from './lock/lock.interface.js';
export type { LockEvent, LockEventType } from './events/lock-event.interface.js';
export type { LockStats } from './interfaces/lock-stats.interface.js';
export type { SessionDiagnostics } from './backend/lock-backend.interface.js';
export {
  LockExceptionFilter,
  LOCK_EXCEPTION_FILTER_OPTIONS,
} from './http/lock-exception.filter.js';
export type { LockErrorBody, LockExceptionFilterOptions } from './http/lock-exception.filter.js';
export type {
  EtcdLockModuleOptions,
  EtcdLockOptionsFactory,
  LockLogLevel,
  ResolvedModuleOptions,
} from './interfaces/etcd-lock-module-options.interface.js';
export type {
  AcquireOptions,
  LockTimingOptions,
  HoldOptions,
  OnLocked,
  WithLockCallOptions,
  WithLockOptions,
} from './interfaces/lock-options.interface.js';
export { EtcdLockError } from './errors/etcd-lock.error.js';
export { LockTimeoutError } from './errors/lock-timeout.error.js';
export { LockLostError } from './errors/lock-lost.error.js';
export { LockAcquireError } from './errors/lock-acquire.error.js';
export { InvalidLockArgumentError } from './errors/invalid-lock-argument.error.js';
export { LockModuleMissingError } from './errors/lock-module-missing.error.js';
export {
  ETCD_LOCK_CLIENT,
  ETCD_LOCK_MODULE_OPTIONS,
  ETCD_LOCK_RESOLVED_OPTIONS,
} from './etcd-lock.constants.js';
export { LOCK_DEFAULTS, DEFAULT_PREFIX } from './options/etcd-lock-options.defaults.js';
