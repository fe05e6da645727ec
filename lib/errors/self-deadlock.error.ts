import { EtcdLockError } from './etcd-lock.error.js';
import { describeShape, type ShapeOfLock } from './lock-shape.description.js';

/** What `SelfDeadlockError` is built from. */
export interface SelfDeadlockErrorOptions {
  /** The lock that was asked for. */
  key: string;
  /** The lock held by the same async context that it would queue behind. */
  heldKey: string;
  /** Where `heldKey` was taken (stack frame or `@WithLock on Class.method`). */
  heldAt: string;
  /**
   * Set when the held lock has one of the names asked for, in a shape that does not cover
   * the request: that name, and how it is held. Unset, the request queues behind the held
   * lock because names nest (`a/b` waits for `a`).
   */
  sameName?: { name: string; heldAs: ShapeOfLock };
}

/**
 * The caller would wait for a lock that its own async context holds, which can never be
 * released while it waits. Thrown at once instead of after `waitTimeout`.
 */
export class SelfDeadlockError extends EtcdLockError {
  /** The lock that was asked for. */
  readonly key: string;
  /** The lock held by the same async context that it would queue behind. */
  readonly heldKey: string;
  /** Where `heldKey` was taken (stack frame or `@WithLock on Class.method`). */
  readonly heldAt: string;

  constructor({ key, heldKey, heldAt, sameName }: SelfDeadlockErrorOptions) {
    const because = sameName
      ? `its queue for "${sameName.name}" would put it behind that lock ` +
        `(held as ${describeShape(sameName.heldAs)})`
      : `"${key}" queues behind every lock named "${key}/…"`;
    super(
      `Lock "${key}" would wait forever: this async context already holds "${heldKey}" ` +
        `(taken at ${heldAt}), and ${because}. ` +
        `Take "${key}" before "${heldKey}", or outside the work that holds it.`,
    );
    this.key = key;
    this.heldKey = heldKey;
    this.heldAt = heldAt;
  }
}
