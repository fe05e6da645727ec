import { EtcdLockError } from './etcd-lock.error.js';

/** The lock was held by someone else for longer than the caller was willing to wait. */
export class LockTimeoutError extends EtcdLockError {
  constructor(
    readonly key: string,
    readonly waitedMs: number,
    options?: { cause?: unknown; reason?: string },
  ) {
    super(
      `Lock "${key}" was not acquired within ${Math.round(waitedMs)} ms` +
        (options?.reason ? ` (${options.reason})` : ''),
      options,
    );
  }
}
