import type { HeldLock } from '../lock/lock-backend.interface.js';

/**
 * Locks whose work is running where the library can see it end: a `withLock` body and its
 * `holdAtLeast`, or a leader-only body (several may run under one leadership, so each lock
 * counts its runs). Shutdown waits for these, and only these: a lock from `acquire()` has no
 * body the library could watch, and one that is never released would hold shutdown for nothing.
 */
export class RunningWork {
  private readonly runs = new Map<HeldLock, number>();
  private idle: (() => void) | undefined;

  has(lock: HeldLock): boolean {
    return this.runs.has(lock);
  }

  /** The locks whose work still runs now. */
  locks(): HeldLock[] {
    return [...this.runs.keys()];
  }

  start(lock: HeldLock): void {
    this.runs.set(lock, (this.runs.get(lock) ?? 0) + 1);
  }

  end(lock: HeldLock): void {
    const left = (this.runs.get(lock) ?? 0) - 1;
    if (left > 0) return void this.runs.set(lock, left);
    if (this.runs.delete(lock) && this.runs.size === 0) this.idle?.();
  }

  /** Resolves when no work runs any more, or after `timeoutMs`, whichever is first. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.runs.size === 0) return;
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
