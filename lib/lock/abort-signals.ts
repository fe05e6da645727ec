/*
 * Plain listeners, always detached, instead of `AbortSignal.any`: on Node 20 that keeps a record
 * in every source until the source aborts, a leak against long-lived sources such as a session
 * or the shutdown signal.
 *
 * Each source gets one listener of its own, which calls whoever waits on it now. Node's
 * EventTarget walks all of a signal's listeners to add or remove one, and every acquisition in
 * flight waits on the same shutdown signal: with a listener each, an acquisition cost grew with
 * the number of others in flight.
 */
/** A callback, or an object whose `handleEvent` is called: no closure needed per waiter. */
export type AbortHandler = (() => void) | { handleEvent(): void };

const waiting = new WeakMap<AbortSignal, Set<AbortHandler>>();

/** Calls `handler` once when `signal` aborts, unless removed first. */
export function addAbortHandler(signal: AbortSignal, handler: AbortHandler): void {
  let handlers = waiting.get(signal);
  if (!handlers) {
    const all = (handlers = new Set());
    waiting.set(signal, all);
    // Live iteration: one removed while others run is skipped, as EventTarget would.
    const fireAll = () => all.forEach((h) => (typeof h === 'function' ? h() : h.handleEvent()));
    signal.addEventListener('abort', fireAll, { once: true });
  }
  handlers.add(handler);
}

export function removeAbortHandler(signal: AbortSignal, handler: AbortHandler): void {
  waiting.get(signal)?.delete(handler);
}

function onAbort(signal: AbortSignal, fire: () => void): () => void {
  addAbortHandler(signal, fire);
  return () => removeAbortHandler(signal, fire);
}

/** Calls `listener` with the first of `signals` to abort. Returns a function that detaches it. */
export function onFirstAbort(
  signals: readonly AbortSignal[],
  listener: (signal: AbortSignal) => void,
): () => void {
  // One source (the common case) needs no list of detachers: each waiter has this per signal.
  if (signals.length === 1) return onAbort(signals[0]!, () => listener(signals[0]!));
  const detachers = signals.map((signal) => onAbort(signal, () => (detach(), listener(signal))));
  const detach = () => detachers.forEach((d) => d());
  return detach;
}
