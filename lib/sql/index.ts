/** Fences a SQL transaction with a lock's token: a stale holder's transaction is refused. */
export { ensureFenceTable, fenceSql, fenceTableSql } from './sql-fence.js';
/** What `fenceSql` runs on, and where it keeps the fence. */
export type { SqlFenceOptions, SqlFenceTableOptions, SqlQueryable } from './sql-fence.js';
/** The databases `fenceSql` speaks to. */
export type { SqlDialect } from './fence-dialects.js';
/** Thrown by `fenceSql` when a later holder has fenced already. */
export { StaleLockError, type StaleLockErrorOptions } from '../errors/stale-lock.error.js';
/** The lock `fenceSql` takes, as the main entry exports it. */
export type { Lock } from '../interfaces/lock.interface.js';
/** A lock's mode, as the main entry exports it. */
export type { LockMode } from '../interfaces/lock-options.interface.js';
/** Base class of every error the library throws, as the main entry exports it. */
export { EtcdLockError } from '../errors/etcd-lock.error.js';
