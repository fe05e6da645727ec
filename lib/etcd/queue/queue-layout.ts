import { type IKeyValue, type IRequestOp, Range } from 'etcd3';
import { endOf } from '../cluster/kv-requests.js';
import { entryDir, permitsBelowQueue, READ_DIR } from '../../lock/entry-key.js';
import type { LockShape } from '../../lock/lock-shape.js';
/**
 * How many of the nearest entries ahead a plain or read lock asks for. When they are all there
 * is, the waiter knows its whole queue ahead and waits for their deletes with no further read.
 */
const NEAREST_AHEAD = 16;

/**
 * Where one name's entries live (the layout is `lock/entry-key.ts`'s), and which of them an
 * entry of `shape` waits for. Our entries' ids are `<lease>_<slot>`.
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
    this.dir = entryDir(this.queue, shape);
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
    return permitsBelowQueue(entry.key.subarray(Buffer.byteLength(this.queue)).toString());
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
