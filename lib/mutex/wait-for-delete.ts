import type { Etcd3 } from 'etcd3';

/**
 * Resolves when `key` is deleted at or after `fromRevision`. Watching from the revision of
 * the read that found the key means a delete in between is not missed.
 */
export async function waitForDelete(
  client: Etcd3,
  key: Buffer,
  fromRevision: bigint,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  const watcher = await client.watch().key(key).startRevision(fromRevision.toString()).create();
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (fn: () => void) => () => {
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      watcher.once('delete', settle(resolve));
      watcher.once('error', (error) => settle(() => reject(error))());
      if (signal.aborted) onAbort();
    });
  } finally {
    watcher.cancel().catch(() => undefined);
  }
}
