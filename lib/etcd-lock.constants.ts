/** Options exactly as passed to `forRoot`/`forRootAsync`. */
export const ETCD_LOCK_MODULE_OPTIONS = 'ETCD_LOCK:MODULE_OPTIONS';
/** Options after defaults and validation (`ResolvedModuleOptions`). */
export const ETCD_LOCK_RESOLVED_OPTIONS = 'ETCD_LOCK:RESOLVED_OPTIONS';
/** The `Etcd3` client the module uses. */
export const ETCD_LOCK_CLIENT = 'ETCD_LOCK:CLIENT';
/** The `LockBackend` behind `LockService`: etcd, or memory in `EtcdLockTestingModule`. */
export const ETCD_LOCK_BACKEND = 'ETCD_LOCK:BACKEND';
