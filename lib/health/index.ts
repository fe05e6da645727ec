/** A `@nestjs/terminus` health indicator for etcd and this process's locks. */
export { EtcdLockHealthIndicator } from './etcd-lock.health-indicator.js';
/** Its options: the timeout, and whether the down message names the cause. */
export type { EtcdLockHealthOptions } from './etcd-lock.health-indicator.js';
/** One lease in the indicator's `up` details, as `LockService.stats()` reports it. */
export type { SessionDiagnostics } from '../interfaces/lock-stats.interface.js';
