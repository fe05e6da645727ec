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
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, fire: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    const all = (callbacks = new Set());
    waiting.set(signal, all);
    // Live iteration: one detached while others run is skipped, as EventTarget would.
    const fireAll = () => all.forEach((callback) => callback());
    signal.addEventListener('abort', fireAll, { once: true });
  }
  callbacks.add(fire);
  const registered = callbacks;
  return () => registered.delete(fire);
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
