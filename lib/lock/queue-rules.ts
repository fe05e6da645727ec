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

/** Whether `name` is `queue` itself or nested under it (names nest like etcd prefixes). */
export const inQueueOf = (queue: string, name: string): boolean =>
  name === queue || name.startsWith(`${queue}/`);
