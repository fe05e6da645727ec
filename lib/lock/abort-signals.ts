/*
 * Plain listeners, always detached, instead of `AbortSignal.any`: on Node 20 that keeps a record
 * in every source until the source aborts, a leak against long-lived sources such as a session
 * or the shutdown signal.
 */

/** Calls `listener` with the first of `signals` to abort. Returns a function that detaches it. */
export function onFirstAbort(
  signals: readonly AbortSignal[],
  listener: (signal: AbortSignal) => void,
): () => void {
  const attached = signals.map((signal) => {
    const fire = () => (detach(), listener(signal));
    signal.addEventListener('abort', fire, { once: true });
    return fire;
  });
  const detach = () => signals.forEach((s, i) => s.removeEventListener('abort', attached[i]!));
  return detach;
}

/** A signal that aborts with the first of `sources`; `unlink()` detaches it from them. */
export function linkSignals(sources: readonly AbortSignal[]): {
  signal: AbortSignal;
  unlink: () => void;
} {
  const controller = new AbortController();
  const early = sources.find((s) => s.aborted);
  if (early) {
    controller.abort(early.reason);
    return { signal: controller.signal, unlink: () => undefined };
  }
  const unlink = onFirstAbort(sources, (source) => controller.abort(source.reason));
  return { signal: controller.signal, unlink };
}
