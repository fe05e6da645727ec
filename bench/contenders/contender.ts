import type { BatchCounts } from '../../lib/index.js';

/** One way of holding a lock around a critical section (for the floor: no lock at all). */
export interface Contender {
  readonly name: string;
  /**
   * Takes the lock on `key`, runs `section`, gives the lock back. Gives up waiting, rejecting
   * with `signal.reason`, once `signal` aborts (the measuring window has closed).
   */
  run(key: string, section: () => Promise<void>, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /** Requests that carried enqueues and releases so far, for a contender that batches them. */
  batches?(): BatchCounts | undefined;
}

export const noSection = async (): Promise<void> => undefined;
