/**
 * A signal that aborts with the first of `sources` to abort. Unlike `AbortSignal.any`, which
 * on Node 20 keeps a record in every source until that source aborts (a leak against
 * long-lived sources such as a session or the shutdown signal), `unlink()` detaches it.
 */
export function linkSignals(sources: readonly AbortSignal[]): {
  signal: AbortSignal;
  unlink: () => void;
} {
  const controller = new AbortController();
  const links: [AbortSignal, () => void][] = [];
  const unlink = () => {
    for (const [source, listener] of links) source.removeEventListener('abort', listener);
  };
  for (const source of sources) {
    if (source.aborted) {
      unlink();
      controller.abort(source.reason);
      break;
    }
    const listener = () => (unlink(), controller.abort(source.reason));
    source.addEventListener('abort', listener, { once: true });
    links.push([source, listener]);
  }
  return { signal: controller.signal, unlink };
}
