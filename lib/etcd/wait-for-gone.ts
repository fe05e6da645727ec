import type { PrefixDeletes } from './prefix-deletes.watch.js';
import type { KeyDeleted } from './recent-deletes.js';

/**
 * Resolves once every entry in `ahead` (key name → create revision) was deleted after revision
 * `after`, where the queue was read: `true`. Nothing can join ahead of an entry later
 * (revisions only grow), so the entry is then at the head with no read to confirm it. A delete
 * counts only for the incarnation that was read: names are reused, and the watch may still be
 * behind `after`, so an older incarnation's delete can arrive after the read. Resolves `false`
 * when the caller must read the queue again: one of our `own` keys went (the lease expired), a
 * delete came without its previous value, deletes may have been missed, or `signal` aborted.
 * `undefined` when the watch cannot vouch for every delete after `after`, or would report them
 * late (it is still catching up).
 */
export function waitUntilGone(
  deletes: PrefixDeletes,
  ahead: ReadonlyMap<string, string>,
  own: readonly string[],
  after: bigint,
  signal: AbortSignal,
): Promise<boolean> | undefined {
  deletes.ensure();
  const missed = deletes.since(after);
  if (!missed || !deletes.live || signal.aborted) return undefined;
  const pending = new Map(ahead);
  const owned = new Set(own);
  let settle!: (certain: boolean) => void;
  const gone = new Promise<boolean>((resolve) => (settle = resolve));
  const seen = ({ key, revision, createRevision }: KeyDeleted) => {
    if (revision <= after) return;
    if (owned.has(key)) return settle(false);
    const incarnation = pending.get(key);
    if (incarnation === undefined) return;
    if (createRevision === undefined) return settle(false);
    if (createRevision === incarnation) pending.delete(key);
    if (pending.size === 0) settle(true);
  };
  const onAbort = () => settle(false);
  const stop = deletes.listen({ deleted: seen, interrupted: () => settle(false) });
  signal.addEventListener('abort', onAbort, { once: true });
  for (const event of missed) seen(event);
  if (pending.size === 0) settle(true);
  return gone.finally(() => {
    stop();
    signal.removeEventListener('abort', onAbort);
  });
}
