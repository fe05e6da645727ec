import type { IKeyValue } from 'etcd3';
import type { EtcdMember, EtcdMembers } from '../cluster/etcd-members.js';
import type { QueueLayout } from '../queue/queue-layout.js';
import { waitOnWatch } from '../watch/watch-wait.js';

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
  const permits = layout.shape.permits;
  let ahead: Set<string> | undefined;
  const goneEarly = new Set<string>();
  return waitOnWatch(members, signal, {
    interrupted: false,
    watch: (member) => member.client.watch().prefix(layout.queue).only('delete').withPreviousKV(),
    deleted: (kv, previous, settle) => {
      if (!previous || kv.key.toString() === ownKey) return settle(false);
      if (!ahead) return void goneEarly.add(idOf(previous));
      ahead.delete(idOf(previous));
      if (ahead.size < permits) settle(true);
    },
    readAfterWatch: async (member) => {
      const entries = await readAhead(member);
      ahead = new Set(entries.map(idOf).filter((id) => !goneEarly.has(id)));
      return ahead.size < permits || undefined;
    },
  });
}
