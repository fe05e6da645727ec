export { EtcdLockTestingModule } from './etcd-lock-testing.module.js';
export type { EtcdLockTestingModuleOptions } from './etcd-lock-testing.module.js';
export { InMemoryLockBackend } from './in-memory-lock.backend.js';
export { FencedWriteUnsupportedError } from './in-memory-lock.js';
