/** Options exactly as passed to `forRoot`/`forRootAsync`. Internal. */
export const ETCD_LOCK_MODULE_OPTIONS = 'ETCD_LOCK:MODULE_OPTIONS';
/** Lock settings after defaults and validation (`ResolvedLockSettings`). Internal. */
export const ETCD_LOCK_SETTINGS = 'ETCD_LOCK:SETTINGS';
/** Connection settings after defaults and validation (`ResolvedConnection`). Internal. */
export const ETCD_LOCK_CONNECTION = 'ETCD_LOCK:CONNECTION';
/** The `Etcd3` client the module uses. */
export const ETCD_LOCK_CLIENT = 'ETCD_LOCK:CLIENT';
/** The `LockBackend` behind `LockService`: etcd, or memory in `EtcdLockTestingModule`. Internal. */
export const ETCD_LOCK_BACKEND = 'ETCD_LOCK:BACKEND';
/** Provide `LockExceptionFilterOptions` under it to configure a DI-created `LockExceptionFilter`. */
export const LOCK_EXCEPTION_FILTER_OPTIONS = 'ETCD_LOCK:EXCEPTION_FILTER_OPTIONS';
