import type { LockEntry, LockInfo } from '../interfaces/lock-entry.interface.js';
import type { StoredEntry } from '../lock/lock-backend.interface.js';
import { parseEntryValue } from '../lock/process-owner.js';
import { entriesWithTurn } from '../lock/queue-rules.js';

/**
 * `name`'s holders and waiters, from the entries of its queue (its own and nested names'),
 * by the same rule the backends wait by. An acquisition of several names counts as a holder
 * of each name whose turn it has, even while it still waits for another of its names.
 */
export function lockInfo(name: string, queue: readonly StoredEntry[]): LockInfo {
  const holders: LockEntry[] = [];
  const waiters: LockEntry[] = [];
  const withTurn = entriesWithTurn(queue);
  for (const entry of queue) {
    if (entry.name !== name) continue;
    (withTurn.has(entry) ? holders : waiters).push(toLockEntry(entry));
  }
  return { name, holders, waiters };
}

/** Names worked out between two yields to the event loop: about 4 ms of work. */
const NAMES_PER_SLICE = 1_000;

/**
 * One `LockInfo` per name that has entries, in name order. Entries are grouped by name once,
 * and a name's nested names (`name/…`) are one range of the sorted names: filtering every
 * entry for every name took 31.8 s over 10,000 held locks, and blocked the event loop as long.
 * It yields between slices of names: 100,000 names in one go still stalled it for 0.4 s,
 * long enough to delay the lister's own lease renewals.
 */
export async function lockInfos(entries: readonly StoredEntry[]): Promise<LockInfo[]> {
  const byName = new Map<string, StoredEntry[]>();
  for (const entry of entries) {
    const list = byName.get(entry.name);
    if (list) list.push(entry);
    else byName.set(entry.name, [entry]);
  }
  const names = [...byName.keys()].sort();
  const infos: LockInfo[] = [];
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && i % NAMES_PER_SLICE === 0) await new Promise(setImmediate);
    const name = names[i]!;
    // `0` is the character after `/`: [`name/`, `name0`) holds every name nested under it.
    const nested = names.slice(
      firstAtOrAfter(names, `${name}/`),
      firstAtOrAfter(names, `${name}0`),
    );
    const own = byName.get(name)!;
    infos.push(
      lockInfo(name, nested.length ? own.concat(...nested.map((n) => byName.get(n)!)) : own),
    );
  }
  return infos;
}

/** The index of the first of the sorted `names` that is not below `bound`. */
function firstAtOrAfter(names: readonly string[], bound: string): number {
  let [low, high] = [0, names.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (names[mid]! < bound) low = mid + 1;
    else high = mid;
  }
  return low;
}

function toLockEntry(entry: StoredEntry): LockEntry {
  const owner = parseEntryValue(entry.value);
  return {
    etcdKey: entry.key,
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
