import { PermitsMismatchError } from '../errors/permits-mismatch.error.js';
import type { LockShape } from '../interfaces/lock-options.interface.js';
import type { InMemoryLock } from './in-memory-lock.js';
import { describeShape } from '../lock/lock-shape.js';
import type { QueueHead } from '../lock/lock-backend.interface.js';

/** One queued or holding acquisition, ordered by revision as etcd orders keys. */
export interface Entry {
  /** One or more names, all taken at once, as one etcd transaction puts them. */
  readonly names: readonly string[];
  readonly shape: LockShape;
  readonly revision: bigint;
  value: string;
  /** The replica that asked, like the lease a real key is attached to. */
  readonly owner: object;
  lock?: InMemoryLock;
  wake?: (granted: boolean) => void;
}

const isReader = (shape: LockShape) => shape.mode === 'read' && shape.permits === 1;

/**
 * As in etcd: in the queue of each of its names, an entry waits while `permits` or more older
 * entries are ahead of it (readers do not count other readers of the same name), and a queue
 * holds every entry under `name/`, so `a` queues behind `a/b`.
 */
export function isBlocked(entries: Iterable<Entry>, entry: Entry): boolean {
  return entry.names.some((name) => {
    let ahead = 0;
    for (const [other, otherName] of queued(entries, name)) {
      if (other.revision >= entry.revision) continue;
      const readers = isReader(entry.shape) && isReader(other.shape) && otherName === name;
      if (!readers) ahead++;
    }
    return ahead >= entry.shape.permits;
  });
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
      const asked = describeShape(shape);
      const theirs = describeShape({ mode: 'write', permits: found });
      throw new PermitsMismatchError(name, shape.permits, found, asked, theirs);
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
function* queued(entries: Iterable<Entry>, name: string): Generator<[Entry, string]> {
  const own = `${name}/`;
  for (const e of entries) {
    for (const n of e.names) if (`${n}/`.startsWith(own)) yield [e, n];
  }
}
