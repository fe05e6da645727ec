import type { PrefixDeletes } from './prefix-deletes.watch.js';

/**
 * Resolves once every key in `ahead` was deleted after revision `after`, where the queue was
 * read: `true`. Nothing can join ahead of an entry later (revisions only grow), so the entry is
 * then at the head with no read to confirm it. The first delete of a name after `after` is the
 * incarnation that was read, even if the name is reused later. Resolves `false` when the caller
 * must read the queue again: one of our `own` keys went (the lease expired), deletes may have
 * been missed, or `signal` aborted. `undefined` when the feed cannot vouch for every delete
 * after `after`, or would report them late (it is still catching up).
 */
export function waitUntilGone(
  deletes: PrefixDeletes,
  ahead: readonly string[],
  own: readonly string[],
  after: bigint,
  signal: AbortSignal,
): Promise<boolean> | undefined {
  deletes.ensure();
  const missed = deletes.since(after);
  if (!missed || !deletes.live || signal.aborted) return undefined;
  const pending = new Set(ahead);
  const owned = new Set(own);
  let settle!: (certain: boolean) => void;
  const gone = new Promise<boolean>((resolve) => (settle = resolve));
  const onAbort = () => settle(false);
  const stop = deletes.listen({
    deleted: ({ key }) => {
      if (owned.has(key)) settle(false);
      else if (pending.delete(key) && pending.size === 0) settle(true);
    },
    interrupted: () => settle(false),
  });
  signal.addEventListener('abort', onAbort, { once: true });
  for (const { key } of missed) {
    if (owned.has(key)) settle(false);
    else pending.delete(key);
  }
  if (pending.size === 0) settle(true);
  return gone.finally(() => {
    stop();
    signal.removeEventListener('abort', onAbort);
  });
}
