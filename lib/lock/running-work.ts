import type { HeldLock } from './lock-backend.interface.js';

/**
 * Locks whose work is running where the library can see it end: a `withLock` body, then its
 * `holdAtLeast`. Shutdown waits for these, and only these: a lock from `acquire()` has no body
 * the library could watch, and one that is never released would hold shutdown for nothing.
 */
export class RunningWork {
  private readonly locks = new Set<HeldLock>();
  private idle: (() => void) | undefined;

  has(lock: HeldLock): boolean {
    return this.locks.has(lock);
  }

  start(lock: HeldLock): void {
    this.locks.add(lock);
  }

  end(lock: HeldLock): void {
    if (this.locks.delete(lock) && this.locks.size === 0) this.idle?.();
  }

  /** Resolves when no work runs any more, or after `timeoutMs`, whichever is first. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.locks.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const empty = new Promise<void>((resolve) => (this.idle = resolve));
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([empty, late]);
    } finally {
      clearTimeout(timer);
      this.idle = undefined;
    }
  }
}
