import type { EtcdEntry } from '../queue/etcd-entry.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { createdAt, deleteKey, getKey } from '../cluster/kv-requests.js';

/**
 * An enqueue whose outcome is unknown (its reply never came) and that the acquisition gives up
 * on: etcd may have applied it, or may still apply it later. Dropping the session lease
 * settles both, but costs every lock the process holds at that TTL. A read settles it too, but
 * only when it finds our keys: then the one send in doubt was applied and cannot apply again,
 * so deleting them (guarded on their create revision) leaves nothing behind. Keys not found
 * settle nothing: the send may still be on its way. So this runs only when exactly one send
 * was in doubt (another could still land after the delete), and the caller drops the lease
 * whenever it returns false. The names are not freed: never reused on this lease.
 */
export async function settleByRead(members: EtcdMembers, entry: EtcdEntry): Promise<boolean> {
  const keys = entry.slots.map((s) => Buffer.from(s.ownKey));
  try {
    const read = await members.run((client) => client.kv.txn({ success: keys.map(getKey) }));
    const found = read.responses.map((r) => r.response_range.kvs[0]?.create_revision);
    const revision = found[0];
    if (revision === undefined || found.some((r) => r !== revision)) return false;
    const removed = await members.run((client) =>
      client.kv.txn({
        compare: keys.map((key) => createdAt(key, revision)),
        success: keys.map(deleteKey),
      }),
    );
    return removed.succeeded;
  } catch {
    return false; // unreachable now: the lease drop still settles it
  }
}
