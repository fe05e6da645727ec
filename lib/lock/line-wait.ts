import { addAbortHandler, removeAbortHandler } from './abort-signals.js';

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
export class LineWait {
  aborted = false;
  reason: unknown;
  private listener: LineWaitListener | undefined;
  private controller: AbortController | undefined;
  private ended = false;

  constructor(private readonly also: AbortSignal) {
    if (also.aborted) this.abort(also.reason);
    else addAbortHandler(also, this);
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted && !this.controller.signal.aborted) this.controller.abort(this.reason);
    return this.controller.signal;
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
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

  abort(reason: unknown): void {
    if (this.aborted || this.ended) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listener = this.listener;
    this.listener = undefined;
    listener?.handleEvent();
  }

  /** The wait is over: later aborts change nothing, and `also` forgets it. */
  end(): void {
    this.ended = true;
    this.listener = undefined;
    removeAbortHandler(this.also, this);
  }
}
