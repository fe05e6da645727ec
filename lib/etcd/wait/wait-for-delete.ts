import type { EtcdMembers } from '../cluster/etcd-members.js';
import { cancelWatch, openWatch } from '../watch/watch-open.js';

/**
 * Resolves once the incarnation of `key` created at `createRevision` is gone, or may be: a
 * delete arrived without its previous value (compacted away), or the member serving the watch
 * was found silent, so events may be missing. Either way the caller reads the queue next.
 *
 * The watch starts at the current revision rather than at the revision of the read that found
 * the key: etcd serves a watch that starts in the past from a catch-up loop that runs every
 * 100 ms, which would add up to 100 ms to every handoff. A read made after the watch exists
 * closes the gap: a delete before it shows in the read, one after it in the watch.
 */
export async function waitForDelete(
  members: EtcdMembers,
  key: Buffer,
  createRevision: string,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  const member = members.current();
  const silenced = members.silenced(member);
  let settle!: (error?: unknown) => void;
  const gone = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  gone.catch(() => undefined); // settled early (abort, error) while we are still reading
  const onAbort = () => settle(signal.reason);
  const onSilenced = () => settle();
  signal.addEventListener('abort', onAbort, { once: true });
  silenced.addEventListener('abort', onSilenced, { once: true });
  const { watcher, ready } = openWatch(member.client.watch().key(key).withPreviousKV());
  watcher.on('delete', (_kv, previous) => {
    if (!previous || previous.create_revision === createRevision) settle();
  });
  watcher.once('error', (error) => settle(error));
  // The stream ended (its member lost its leader, `hasleader`): events may be missed, read again.
  watcher.once('disconnected', (error: unknown) => (members.failed(member, error), settle()));
  try {
    // A frozen member never confirms the watch: the heartbeat's verdict must end this wait too.
    const settled = await Promise.race([ready.then(() => false), gone.then(() => true)]);
    if (settled) return;
    const current = await members.on(member, (client) => client.get(key).exec());
    if (!current.kvs[0] || current.kvs[0].create_revision !== createRevision) return;
    await gone;
  } finally {
    signal.removeEventListener('abort', onAbort);
    silenced.removeEventListener('abort', onSilenced);
    cancelWatch(watcher);
  }
}
