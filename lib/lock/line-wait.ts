import { addAbortHandler, removeAbortHandler } from './abort-signals.js';
import { LazyAbort } from './lazy-abort.js';

/** What a wait in line calls when it ends early. */
export interface LineWaitListener {
  handleEvent(): void;
}

/**
 * One wait in line, which ends when the caller stops or the session (`also`) ends. Not an
 * `AbortSignal`: on Node 20 each of those is an EventTarget with a hidden class and two Maps of
 * its own, about 1.4 KB, the largest single cost of a waiter. The waits that need a real signal
 * (a watch of their own, a semaphore) get one from `signal`, made on first use.
 */
export class LineWait extends LazyAbort {
  private listener: LineWaitListener | undefined;
  private ended = false;

  constructor(private readonly also: AbortSignal) {
    super();
    if (also.aborted) this.abort(also.reason);
    else addAbortHandler(also, this);
  }

  /** One listener at a time, called at most once; `unlisten` before listening again. */
  listen(listener: LineWaitListener): void {
    this.listener = listener;
  }

  unlisten(listener: LineWaitListener): void {
    if (this.listener === listener) this.listener = undefined;
  }

  /** `also` aborted. */
  handleEvent(): void {
    this.abort(this.also.reason);
  }

  override abort(reason: unknown): boolean {
    if (this.ended || !super.abort(reason)) return false;
    const listener = this.listener;
    this.listener = undefined;
    listener?.handleEvent();
    return true;
  }

  /** The wait is over: later aborts change nothing, and `also` forgets it. */
  end(): void {
    this.ended = true;
    this.listener = undefined;
    removeAbortHandler(this.also, this);
  }
}
