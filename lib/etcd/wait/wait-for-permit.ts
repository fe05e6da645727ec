import type { IKeyValue } from 'etcd3';
import type { EtcdMember, EtcdMembers } from '../cluster/etcd-members.js';
import type { QueueLayout } from '../queue/queue-layout.js';
import { cancelWatch, openWatch } from '../watch/watch-open.js';

/** An incarnation of a key: names are reused, revisions are not. */
const idOf = (kv: IKeyValue) => `${kv.create_revision}@${kv.key.toString('hex')}`;

/**
 * A semaphore waiter's turn: resolves once fewer than `permits` entries older than ours are
 * left. `true` when that is certain, `false` when the caller must read again (a delete came
 * without its previous value, the member serving the watch went silent, or our own key went:
 * the read, guarded on it, then says so).
 *
 * Holders ahead leave in any order, so there is no single predecessor to watch: one watch
 * over the queue's deletes, matched by incarnation against the entries a read found ahead.
 * The watch is open before the read, so a delete is either missing from the read or seen by
 * the watch; matching by incarnation means one seen by both is not counted twice.
 */
export async function waitForPermit(
  members: EtcdMembers,
  layout: QueueLayout,
  ownKey: string,
  /** Entries older than ours, read on the given member; rejects if our own key is gone. */
  readAhead: (member: EtcdMember) => Promise<IKeyValue[]>,
  signal: AbortSignal,
): Promise<boolean> {
  signal.throwIfAborted();
  const permits = layout.shape.permits;
  const member = members.current();
  const silenced = members.silenced(member);
  let settle!: (certain: boolean, error?: unknown) => void;
  const turn = new Promise<boolean>((resolve, reject) => {
    settle = (certain, error) => (error === undefined ? resolve(certain) : reject(error));
  });
  turn.catch(() => undefined); // settled early (abort, error) while we are still reading
  const onAbort = () => settle(false, signal.reason);
  const onSilenced = () => settle(false);
  signal.addEventListener('abort', onAbort, { once: true });
  silenced.addEventListener('abort', onSilenced, { once: true });
  let ahead: Set<string> | undefined;
  const goneEarly = new Set<string>();
  const builder = member.client.watch().prefix(layout.queue).only('delete').withPreviousKV();
  const { watcher, ready } = openWatch(builder);
  watcher.on('delete', (kv, previous) => {
    if (!previous || kv.key.toString() === ownKey) return settle(false);
    if (!ahead) return void goneEarly.add(idOf(previous));
    ahead.delete(idOf(previous));
    if (ahead.size < permits) settle(true);
  });
  watcher.once('error', (error) => settle(false, error));
  // The stream ended (its member lost its leader, `hasleader`): events may be missed, read again.
  watcher.once('disconnected', (error: unknown) => (members.failed(member, error), settle(false)));
  try {
    // A frozen member never confirms the watch: the heartbeat's verdict must end this wait too.
    const confirmed = await Promise.race([ready, turn]);
    if (typeof confirmed === 'boolean') return confirmed;
    const entries = await readAhead(member);
    ahead = new Set(entries.map(idOf).filter((id) => !goneEarly.has(id)));
    if (ahead.size < permits) return true;
    return await turn;
  } finally {
    signal.removeEventListener('abort', onAbort);
    silenced.removeEventListener('abort', onSilenced);
    cancelWatch(watcher);
  }
}
