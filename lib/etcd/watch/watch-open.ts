import type { WatchBuilder, Watcher } from 'etcd3';

/**
 * Opens a watch and hands back the watcher at once, with a promise for its confirmation.
 * etcd3's `create()` gives the watcher only once the member confirms it, and a frozen member
 * never does: such a watcher could then not be cancelled, and etcd3 would keep reconnecting it
 * (and the process alive) after the client closed.
 */
export function openWatch(builder: WatchBuilder): { watcher: Watcher; ready: Promise<Watcher> } {
  const watcher = builder.watcher();
  const ready = new Promise<Watcher>((resolve, reject) => {
    watcher.once('connected', () => resolve(watcher));
    watcher.once('error', reject);
  });
  ready.catch(() => undefined); // callers that stop caring must not leave it unhandled
  return { watcher, ready };
}

/** Cancels without waiting: a silent member would never acknowledge it. */
export function cancelWatch(watcher: Watcher | undefined): void {
  watcher?.cancel().catch(() => undefined);
}
