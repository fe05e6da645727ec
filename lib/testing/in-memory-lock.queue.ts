import { entryDir } from '../lock/entry-key.js';
import { PermitsMismatchError } from '../errors/permits-mismatch.error.js';
import type { LockShape } from '../interfaces/lock-options.interface.js';
import type { InMemoryLock } from './in-memory-lock.js';
import type { EntryScope, QueueHead, StoredEntry } from '../lock/lock-backend.interface.js';
import { hasTurn, inQueueOf, type QueuedEntry } from '../lock/queue-rules.js';

/** One queued or holding acquisition, ordered by revision as etcd orders keys. */
export interface Entry {
  /** One or more names, all taken at once, as one etcd transaction puts them. */
  readonly names: readonly string[];
  readonly shape: LockShape;
  readonly revision: bigint;
  /** The acquisition's TTL: what inspection reports as left, since nothing expires here. */
  readonly ttl: number;
  value: string;
  /** The replica that asked, like the lease a real key is attached to. */
  readonly owner: object;
  lock?: InMemoryLock;
  wake?: (granted: boolean) => void;
}

/** As in etcd: an entry waits until it has its turn in the queue of every one of its names. */
export function isBlocked(entries: Iterable<Entry>, entry: Entry): boolean {
  return entry.names.some((name) => {
    const own = { name, shape: entry.shape, token: entry.revision };
    return !hasTurn(own, queueViews(entries, name));
  });
}

/** The queue of `name` as the shared rules see it. */
export function* queueViews(entries: Iterable<Entry>, name: string): Generator<QueuedEntry> {
  for (const [e, n] of queued(entries, name)) yield { name: n, shape: e.shape, token: e.revision };
}

/** Refuses a shape that disagrees with an entry already queued, as the etcd backend does. */
export function refuseMismatch(
  entries: Iterable<Entry>,
  names: readonly string[],
  shape: LockShape,
): void {
  for (const name of names) {
    for (const [other, otherName] of queued(entries, name)) {
      // A nested name's entry is a plain lock to this queue, as its etcd key says.
      const found = otherName === name ? other.shape.permits : 1;
      if (found === shape.permits) continue;
      const { mode, permits } = shape;
      throw new PermitsMismatchError({ key: name, mode, permits, queuedPermits: found });
    }
  }
}

/** As etcd orders them: the oldest entry named `name` or nested under it. */
export function headOf(entries: Iterable<Entry>, name: string): QueueHead | undefined {
  let head: Entry | undefined;
  for (const [e] of queued(entries, name)) if (!head || e.revision < head.revision) head = e;
  return head && { value: head.value, token: head.revision };
}

/** Every entry in the queue of `name`, with the name it is queued under there. */
export function* queued(entries: Iterable<Entry>, name: string): Generator<[Entry, string]> {
  for (const e of entries) {
    for (const n of e.names) if (inQueueOf(name, n)) yield [e, n];
  }
}

/** The key this entry would have in etcd, for `Lock.etcdKey` and inspection. */
export function memoryKey(prefix: string, name: string, entry: Entry): string {
  return `${entryDir(`${prefix}${name}/`, entry.shape)}memory_${entry.revision}`;
}

/** The entries in `scope`, one per name, oldest first, as the etcd backend lists them. */
export function storedEntries(
  entries: Iterable<Entry>,
  prefix: string,
  scope: EntryScope,
): StoredEntry[] {
  const inScope = (n: string) =>
    'name' in scope ? inQueueOf(scope.name, n) : n.startsWith(scope.prefix);
  const listed: StoredEntry[] = [];
  for (const e of [...entries].sort((a, b) => (a.revision < b.revision ? -1 : 1))) {
    for (const name of e.names.filter(inScope)) {
      const key = memoryKey(prefix, name, e);
      listed.push({
        name,
        shape: e.shape,
        token: e.revision,
        key,
        value: e.value,
        ttlRemaining: e.ttl,
      });
    }
  }
  return listed;
}
