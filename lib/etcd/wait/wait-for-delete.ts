import type { EtcdMembers } from '../cluster/etcd-members.js';
import { waitOnWatch } from '../watch/watch-wait.js';

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
  await waitOnWatch(members, signal, {
    interrupted: true,
    watch: (member) => member.client.watch().key(key).withPreviousKV(),
    deleted: (_kv, previous, settle) => {
      if (!previous || previous.create_revision === createRevision) settle(true);
    },
    readAfterWatch: async (member) => {
      const current = await members.on(member, (client) => client.get(key).exec());
      return !current.kvs[0] || current.kvs[0].create_revision !== createRevision || undefined;
    },
  });
}
