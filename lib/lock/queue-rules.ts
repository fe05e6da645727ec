import type { LockShape } from '../interfaces/lock-options.interface.js';

/** An entry as the queue rules see it: which name's queue, its shape, its place (token). */
export interface QueuedEntry {
  readonly name: string;
  readonly shape: LockShape;
  readonly token: bigint;
}

const isReader = (shape: LockShape) => shape.mode === 'read' && shape.permits === 1;

/**
 * Whether `entry` has its turn in the queue of `entry.name`, given every entry in that queue
 * (its own name's and those nested under it): fewer than its permits are ahead of it, and a
 * reader does not count other readers of the same name. Every backend and the inspection
 * share this rule; the etcd waiters apply it with range reads and watches.
 */
export function hasTurn(entry: QueuedEntry, queue: Iterable<QueuedEntry>): boolean {
  let ahead = 0;
  for (const other of queue) {
    if (other.token >= entry.token) continue;
    const readers = isReader(entry.shape) && isReader(other.shape) && other.name === entry.name;
    if (!readers && ++ahead >= entry.shape.permits) return false;
  }
  return true;
}

/**
 * The entries of `queue` that have their turn, by the rule of `hasTurn`, in one pass over the
 * queue sorted by token: `hasTurn` for each entry scans the whole queue, and a name with
 * 10,000 waiters took 10^8 steps to list. Entries of one token (one acquisition of several
 * names) do not count each other.
 */
export function entriesWithTurn<T extends QueuedEntry>(queue: readonly T[]): Set<T> {
  const sorted = [...queue].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const withTurn = new Set<T>();
  const readersAhead = new Map<string, number>();
  let ahead = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end < sorted.length && sorted[end]!.token === sorted[start]!.token) end++;
    const group = sorted.slice(start, end);
    for (const entry of group) {
      const readers = isReader(entry.shape) ? (readersAhead.get(entry.name) ?? 0) : 0;
      if (ahead - readers < entry.shape.permits) withTurn.add(entry);
    }
    for (const entry of group) {
      if (isReader(entry.shape))
        readersAhead.set(entry.name, (readersAhead.get(entry.name) ?? 0) + 1);
    }
    ahead += group.length;
    start = end;
  }
  return withTurn;
}

/** Whether `name` is `queue` itself or nested under it (names nest like etcd prefixes). */
export const inQueueOf = (queue: string, name: string): boolean =>
  name === queue || name.startsWith(`${queue}/`);
