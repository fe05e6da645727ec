export { EtcdLockHealthIndicator } from './etcd-lock.health-indicator.js';
export type { EtcdLockHealthOptions } from './etcd-lock.health-indicator.js';
