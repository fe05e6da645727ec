import { EtcdLockError } from './etcd-lock.error.js';

/**
 * The caller would wait for a lock that its own async context holds, which can never be
 * released while it waits. Thrown at once instead of after `waitTimeout`.
 */
export class SelfDeadlockError extends EtcdLockError {
  constructor(
    /** The lock that was asked for. */
    readonly key: string,
    /** The lock held by the same async context that it would queue behind. */
    readonly heldKey: string,
    /** Where `heldKey` was taken (stack frame or `@WithLock on Class.method`). */
    readonly heldAt: string,
    /** Why the request queues behind the held lock; by default, because names nest. */
    because = `"${key}" queues behind every lock named "${key}/…"`,
  ) {
    super(
      `Lock "${key}" would wait forever: this async context already holds "${heldKey}" ` +
        `(taken at ${heldAt}), and ${because}. ` +
        `Take "${key}" before "${heldKey}", or outside the work that holds it.`,
    );
  }
}
