import { setTimeout as sleep } from 'node:timers/promises';

/** A lock taken by retrying: the usual workaround where a client has no queue. */
export interface RetriedLock<L> {
  /** One attempt: the held lock, or a rejection that `busy` recognises as "held by another". */
  take(): Promise<L>;
  busy(error: unknown): boolean;
  release(lock: L): Promise<unknown>;
  /** Milliseconds to sleep before the next attempt. */
  delay(): number;
}

/** Runs `section` under a lock taken by retrying; gives up with `signal.reason` once it aborts. */
export async function retryUntilFree<L>(
  lock: RetriedLock<L>,
  section: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    let held: L;
    try {
      held = await lock.take();
    } catch (error) {
      if (!lock.busy(error)) throw error;
      await sleep(lock.delay(), undefined, { signal });
      continue;
    }
    try {
      await section();
    } finally {
      await lock.release(held);
    }
    return;
  }
}
