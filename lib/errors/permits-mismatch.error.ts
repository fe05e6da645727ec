import { EtcdLockError } from './etcd-lock.error.js';

/**
 * Two holders of one name disagree on its shape (permits, or a semaphore against a plain or
 * read-write lock): counting holders would mean something different to each, so neither
 * count could be trusted. Thrown by the acquisition that found the other entry; its own entry
 * is removed.
 */
export class PermitsMismatchError extends EtcdLockError {
  constructor(
    /** The name whose queue disagrees. */
    readonly key: string,
    /** What this caller asked for. */
    readonly permits: number,
    /** What an entry already in the queue says. */
    readonly queuedPermits: number,
    asked: string,
    queued: string,
  ) {
    super(
      `Lock "${key}" was asked for as ${asked}, but its queue already holds an entry of ` +
        `${queued}. Every holder of a name must use the same permits (and a semaphore cannot ` +
        'share a name with a plain or read-write lock): check the options of every replica.',
    );
  }
}
