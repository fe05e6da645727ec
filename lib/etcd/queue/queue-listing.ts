import type { Etcd3 } from 'etcd3';
import type { EntryScope, StoredEntry } from '../../lock/lock-backend.interface.js';
import { parseEntryKey } from '../../lock/entry-key.js';
import { FORCE_RELEASED } from '../../lock/process-owner.js';
import { inQueueOf } from '../../lock/queue-rules.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { keysOfText, keyText } from './key-text.js';
import { prefixPages } from './range-pages.js';

/** Where the entries of `scope` live in etcd. */
export const scopeRange = (prefix: string, scope: EntryScope): string =>
  'name' in scope ? `${prefix}${scope.name}/` : `${prefix}${scope.prefix}`;

/** An entry as listed from etcd: with its key's bytes, which its text may only stand for. */
interface ListedEntry extends StoredEntry {
  readonly rawKey: Buffer;
}

/** Every entry in `scope`, oldest first, with what its lease has left. */
export async function listEntries(
  members: EtcdMembers,
  prefix: string,
  scope: EntryScope,
): Promise<StoredEntry[]> {
  const found: { entry: Omit<ListedEntry, 'ttlRemaining'>; lease: string }[] = [];
  // A name shown with `\xNN` escapes (a key that is not UTF-8) is looked up by its bytes too.
  for (const range of keysOfText(scopeRange(prefix, scope))) {
    for await (const page of prefixPages(members, range)) {
      for (const kv of page) {
        // A lock entry lives on a lease; a key without one is someone's data that happens to
        // sit under the prefix: never listed, so never force-released either.
        if (kv.lease === '0') continue;
        const key = keyText(kv.key);
        const parsed = parseEntryKey(key.slice(prefix.length));
        if (!parsed || ('name' in scope && !inQueueOf(scope.name, parsed.name))) continue;
        const token = BigInt(kv.create_revision);
        const entry = { ...parsed, key, rawKey: kv.key, token, value: kv.value.toString() };
        found.push({ entry, lease: kv.lease });
      }
    }
  }
  const ttls = await leaseTtls(members, new Set(found.map((f) => f.lease)));
  const entries = found.map(({ entry, lease }) => ({ ...entry, ttlRemaining: ttls.get(lease)! }));
  return entries.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
}

/** Lease lookups in flight at once: a fleet of thousands of processes has as many leases. */
const TTL_READS_AT_ONCE = 32;

/** One request per lease, a few at a time: entries of one process share a few leases. */
async function leaseTtls(members: EtcdMembers, ids: Set<string>): Promise<Map<string, number>> {
  const leases = [...ids];
  const ttls = new Map<string, number>();
  let next = 0;
  const reader = async () => {
    while (next < leases.length) {
      const ID = leases[next++]!;
      const answer = await members.run((client) =>
        client.leaseClient.leaseTimeToLive({ ID, keys: false }),
      );
      ttls.set(ID, Number(answer.TTL));
    }
  };
  await Promise.all(Array.from({ length: Math.min(TTL_READS_AT_ONCE, leases.length) }, reader));
  return ttls;
}

/**
 * Writes the reason into each key (on the key's own lease, guarded by its create revision),
 * then deletes it the same way: the holder's watch sees the delete with the reason in the
 * previous value. Two requests per entry; this is an operator's tool, not a hot path.
 */
export async function forceRemove(
  members: EtcdMembers,
  entries: readonly StoredEntry[],
  reason: string,
): Promise<StoredEntry[]> {
  const removed = await Promise.all(
    entries.map((entry) => members.run((client) => removeOne(client, entry, reason))),
  );
  return entries.filter((_, i) => removed[i]);
}

async function removeOne(client: Etcd3, entry: StoredEntry, reason: string): Promise<boolean> {
  const key = (entry as Partial<ListedEntry>).rawKey ?? entry.key;
  const same = () => client.if(key, 'Create', '==', entry.token.toString());
  const current = await client.get(key).exec();
  const lease = current.kvs[0]?.lease;
  if (lease === undefined) return false;
  const marked = client.put(key).value(`${FORCE_RELEASED}${reason}`);
  await same()
    .then(lease === '0' ? marked : marked.lease(lease))
    .commit();
  const res = await same().then(client.delete().key(key)).commit();
  return res.succeeded;
}
