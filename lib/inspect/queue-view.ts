import type { LockEntry, LockInfo } from '../interfaces/lock-entry.interface.js';
import type { StoredEntry } from '../lock/lock-backend.interface.js';
import { parseEntryValue } from '../lock/process-owner.js';
import { hasTurn, inQueueOf } from '../lock/queue-rules.js';

/**
 * `name`'s holders and waiters, from the entries of its queue (its own and nested names'),
 * by the same rule the backends wait by. An acquisition of several names counts as a holder
 * of each name whose turn it has, even while it still waits for another of its names.
 */
export function lockInfo(name: string, queue: readonly StoredEntry[]): LockInfo {
  const holders: LockEntry[] = [];
  const waiters: LockEntry[] = [];
  for (const entry of queue) {
    if (entry.name !== name) continue;
    (hasTurn(entry, queue) ? holders : waiters).push(toLockEntry(entry));
  }
  return { name, holders, waiters };
}

/** One `LockInfo` per name that has entries, in name order. */
export function lockInfos(entries: readonly StoredEntry[]): LockInfo[] {
  const names = [...new Set(entries.map((e) => e.name))].sort();
  return names.map((name) =>
    lockInfo(
      name,
      entries.filter((e) => inQueueOf(name, e.name)),
    ),
  );
}

function toLockEntry(entry: StoredEntry): LockEntry {
  const owner = parseEntryValue(entry.value);
  return {
    key: entry.key,
    token: entry.token,
    owner: owner.owner,
    hostname: owner.hostname,
    pid: owner.pid,
    since: owner.since,
    ttlRemaining: entry.ttlRemaining,
    mode: entry.shape.mode,
    permits: entry.shape.permits,
  };
}
