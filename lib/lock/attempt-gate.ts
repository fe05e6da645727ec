import { LazyAbort } from './lazy-abort.js';
import { LineWait } from './line-wait.js';

/** How an attempt learns that its caller stopped waiting; its signal is made on first use. */
export class AttemptGate extends LazyAbort {
  /** The wait in line under way, which `abort` aborts directly. */
  private wait: LineWait | undefined;

  /**
   * One wait in line, which ends when the caller stops or `also` aborts. Not a signal of the
   * gate's own linked to a second: a waiter is mostly this wait, and 10,000 waiters each had
   * two signals, with a listener set each.
   */
  waitInLine(also: AbortSignal): LineWait {
    const wait = new LineWait(also);
    if (this.aborted) wait.abort(this.reason);
    else this.wait = wait;
    return wait;
  }

  override abort(reason: unknown): boolean {
    if (!super.abort(reason)) return false;
    this.wait?.abort(reason);
    return true;
  }
}
