import { EtcdLockError } from './etcd-lock.error.js';

/** etcd could not be reached or refused the request, after every allowed retry. */
export class LockAcquireError extends EtcdLockError {
  constructor(
    readonly key: string,
    readonly attempts: number,
    options: { cause?: unknown; reason?: string },
  ) {
    const why = options.reason ?? describe(options.cause);
    super(`Lock "${key}" could not be acquired after ${attempts} attempt(s): ${why}`, options);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
