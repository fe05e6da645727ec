import { EtcdLockError } from './etcd-lock.error.js';
import { describeShape } from './lock-shape.description.js';

/** What `PermitsMismatchError` is built from. */
export interface PermitsMismatchErrorOptions {
  /** The name whose queue disagrees. */
  key: string;
  /** What this caller asked for. */
  permits: number;
  /** The mode this caller asked for. */
  mode: 'read' | 'write';
  /** What an entry already in the queue says. */
  queuedPermits: number;
}

/**
 * Two holders of one name disagree on its shape (permits, or a semaphore against a plain or
 * read-write lock): counting holders would mean something different to each, so neither
 * count could be trusted. Thrown by the acquisition that found the other entry; its own entry
 * is removed.
 */
export class PermitsMismatchError extends EtcdLockError {
  /** The name whose queue disagrees. */
  readonly key: string;
  /** What this caller asked for. */
  readonly permits: number;
  /** What an entry already in the queue says. */
  readonly queuedPermits: number;

  constructor({ key, permits, mode, queuedPermits }: PermitsMismatchErrorOptions) {
    // A queued entry's key records its permits, not its mode: 1 permit reads as a plain lock.
    const queued = describeShape({ mode: 'write', permits: queuedPermits });
    super(
      `Lock "${key}" was asked for as ${describeShape({ mode, permits })}, but its queue ` +
        `already holds an entry of ${queued}. Every holder of a name must use the same permits ` +
        '(and a semaphore cannot share a name with a plain or read-write lock): check the ' +
        'options of every replica.',
    );
    this.key = key;
    this.permits = permits;
    this.queuedPermits = queuedPermits;
  }
}
