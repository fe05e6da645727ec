import type { Etcd3 } from 'etcd3';

/**
 * Resolves once the incarnation of `key` created at `createRevision` is gone: `true` when that is
 * certain, `false` when a delete arrived without its previous value (compacted away), so the
 * caller must confirm with a read.
 *
 * The watch starts at the current revision rather than at the revision of the read that found
 * the key: etcd serves a watch that starts in the past from a catch-up loop that runs every
 * 100 ms, which would add up to 100 ms to every handoff. A read made after the watch exists
 * closes the gap: a delete before it shows in the read, one after it in the watch.
 */
export async function waitForDelete(
  client: Etcd3,
  key: Buffer,
  createRevision: string,
  signal: AbortSignal,
): Promise<boolean> {
  signal.throwIfAborted();
  const watcher = await client.watch().key(key).withPreviousKV().create();
  let settle!: (certain: boolean, error?: unknown) => void;
  const gone = new Promise<boolean>((resolve, reject) => {
    settle = (certain, error) => (error === undefined ? resolve(certain) : reject(error));
  });
  gone.catch(() => undefined); // settled early (abort, error) while we are still reading
  const onAbort = () => settle(false, signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  watcher.on('delete', (_kv, previous) => {
    if (!previous) settle(false);
    else if (previous.create_revision === createRevision) settle(true);
  });
  watcher.once('error', (error) => settle(false, error));
  try {
    const current = (await client.get(key).exec()).kvs[0];
    if (!current || current.create_revision !== createRevision) return true;
    return await gone;
  } finally {
    signal.removeEventListener('abort', onAbort);
    watcher.cancel().catch(() => undefined);
  }
}
