import { LAYOUT_SEGMENT } from '../options/lock-key.validators.js';
import type { LockShape } from './lock-shape.js';

/** Readers' entries, as in etcd's `contrib/recipes` RWMutex (`<name>/read/…`). */
export const READ_DIR = 'read/';

const PLAIN: LockShape = { mode: 'write', permits: 1 };

/**
 * The one owner of the key layout. Every entry of a name sits under `<prefix><name>/` (its
 * queue), so a plain lock (and `etcdctl lock`) waits for all of them whatever their shape:
 * - a write entry (a plain lock) is `<name>/<id>`, Go `concurrency.Mutex`'s layout;
 * - a read entry is `<name>/read/<id>` and waits only for entries outside `read/`;
 * - a semaphore entry is `<name>/sem-<N>/<id>`: N in the key, so that every waiter can check
 *   that the entries ahead agree on it without reading their values;
 * - `<name>/write/<id>` is a Go RWMutex writer, which we read as a plain lock.
 *
 * Where entries of `shape` go in the queue `queue` (`<prefix><name>/`).
 */
export function entryDir(queue: string, shape: LockShape): string {
  if (shape.permits > 1) return `${queue}sem-${shape.permits}/`;
  return shape.mode === 'read' ? `${queue}${READ_DIR}` : queue;
}

/** The name and shape that a key, relative to the prefix, says its entry has. */
export function parseEntryKey(relative: string): { name: string; shape: LockShape } | undefined {
  const cut = relative.lastIndexOf('/');
  if (cut <= 0) return undefined;
  const parent = relative.slice(0, cut);
  const split = parent.lastIndexOf('/');
  const segment = parent.slice(split + 1);
  if (split < 0 || !LAYOUT_SEGMENT.test(segment)) return { name: parent, shape: PLAIN };
  const name = parent.slice(0, split);
  if (!name) return undefined;
  if (segment === 'read') return { name, shape: { mode: 'read', permits: 1 } };
  return { name, shape: { mode: 'write', permits: permitsOfSegment(segment) } };
}

/** The permits an entry counts with, from its key below its queue (`sem-<N>/<id>`, or 1). */
export function permitsBelowQueue(below: string): number {
  const end = below.indexOf('/');
  return end < 0 ? 1 : permitsOfSegment(below.slice(0, end));
}

const permitsOfSegment = (segment: string): number =>
  segment.startsWith('sem-') && LAYOUT_SEGMENT.test(segment) ? Number(segment.slice(4)) : 1;
