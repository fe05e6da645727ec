import { type IKeyValue, type IRequestOp, Range } from 'etcd3';
import { endOf } from '../cluster/kv-requests.js';
import type { LockShape } from '../../lock/lock-shape.js';

/** Readers' entries, as in etcd's `contrib/recipes` RWMutex (`<name>/read/…`). */
const READ_DIR = 'read/';
const SEMAPHORE_DIR = /^sem-(\d+)\//;
/**
 * How many of the nearest entries ahead a plain or read lock asks for. When they are all there
 * is, the waiter knows its whole queue ahead and waits for their deletes with no further read.
 */
const NEAREST_AHEAD = 16;

/**
 * Where one name's entries live, and which of them an entry of `shape` waits for. Every entry
 * of a name sits under `<prefix><name>/`, so a plain lock (and `etcdctl lock`) waits for all
 * of them whatever their shape:
 * - a write entry (a plain lock) is `<name>/<lease>_<slot>`, Go `concurrency.Mutex`'s layout;
 * - a read entry is `<name>/read/<lease>_<slot>` and waits only for entries outside `read/`;
 * - a semaphore entry is `<name>/sem-<N>/<lease>_<slot>`: N in the key, so that every waiter
 *   can check that the entries ahead agree on it without reading their values.
 */
export class QueueLayout {
  /** `<prefix><name>/`: every entry of the name, and of names nested under it. */
  readonly queue: string;
  /** Where this shape's entries are put. */
  readonly dir: string;

  constructor(
    prefix: string,
    readonly name: string,
    readonly shape: LockShape,
  ) {
    this.queue = `${prefix}${name}/`;
    if (shape.permits > 1) this.dir = `${this.queue}sem-${shape.permits}/`;
    else this.dir = shape.mode === 'read' ? `${this.queue}${READ_DIR}` : this.queue;
  }

  /** How many byte ranges `blockerRanges` gives: two for a reader, else one. */
  get blockerCount(): number {
    return this.shape.mode === 'read' && this.shape.permits === 1 ? 2 : 1;
  }

  /** Byte ranges of the entries this shape waits for: readers skip other readers. */
  blockerRanges(): Range[] {
    const all = Range.prefix(this.queue);
    if (this.blockerCount === 1) return [all];
    const reads = Range.prefix(`${this.queue}${READ_DIR}`);
    return [new Range(all.start, reads.start), new Range(reads.end, all.end)];
  }

  /**
   * What `aheadFrom` reads, for one transaction: per blocker range the entries nearest ahead
   * of us (`Descend`; a semaphore only counts them), then per blocker range the oldest
   * (`Ascend`); among those created before `before` when given.
   */
  aheadReads(before?: bigint): IRequestOp[] {
    const ranges = this.blockerRanges();
    const nearest = this.shape.permits > 1 ? 1 : NEAREST_AHEAD;
    return [
      ...ranges.map((range) => endOf(range, 'Descend', before, nearest)),
      ...ranges.map((range) => endOf(range, 'Ascend', before)),
    ];
  }

  /** Every entry created before `before`: what a semaphore waiter counts. */
  entriesBefore(before: bigint): IRequestOp {
    const all = Range.prefix(this.queue);
    return {
      request_range: {
        key: all.start,
        range_end: all.end,
        max_create_revision: String(before - 1n),
      },
    };
  }

  /** The permits an entry's key says it counts with; other clients' keys are plain locks (1). */
  permitsOf(entry: IKeyValue): number {
    const below = entry.key.subarray(Buffer.byteLength(this.queue)).toString();
    const semaphore = SEMAPHORE_DIR.exec(below);
    return semaphore ? Number(semaphore[1]) : 1;
  }
}

/** The oldest (`Ascend`) or newest (`Descend`) of the entries found, if any. */
export function pickEnd(
  found: (IKeyValue | undefined)[],
  order: 'Ascend' | 'Descend',
): IKeyValue | undefined {
  let best: IKeyValue | undefined;
  for (const kv of found) {
    if (!kv) continue;
    const revision = BigInt(kv.create_revision);
    const bestRevision = best && BigInt(best.create_revision);
    const better = order === 'Ascend' ? revision < bestRevision! : revision > bestRevision!;
    if (!best || better) best = kv;
  }
  return best;
}
