import type { IRangeResponse } from 'etcd3';
import { PermitsMismatchError } from '../../errors/permits-mismatch.error.js';
import { pickEnd, type QueueLayout } from './queue-layout.js';
import { type Predecessor, predecessorOf } from './queue-predecessor.js';

/**
 * What one name's queue says about us: nothing ahead (`'clear'`), one entry to wait for (a
 * plain or read lock watches only it), `'count'` (a semaphore with its permits all taken),
 * or `'unknown'` until a read says.
 */
export type Ahead = 'clear' | Predecessor | 'count' | 'unknown';

/**
 * Reads what the enqueue (or a guarded read) found at revision `asOf`: per blocker range, the
 * nearest entries ahead, then the oldest ones. Both are checked for a shape that disagrees with ours.
 */
export function aheadFrom(
  layout: QueueLayout,
  ranges: IRangeResponse[],
  reads: number,
  asOf: bigint,
): Ahead {
  const last = pickEnd(
    ranges.slice(0, reads).map((r) => r.kvs[0]),
    'Descend',
  );
  const first = pickEnd(
    ranges.slice(reads).map((r) => r.kvs[0]),
    'Ascend',
  );
  for (const entry of [first, last]) {
    const queued = entry && layout.permitsOf(entry);
    if (queued !== undefined && queued !== layout.shape.permits) {
      const { mode, permits } = layout.shape;
      throw new PermitsMismatchError({ key: layout.name, mode, permits, queuedPermits: queued });
    }
  }
  if (layout.shape.permits > 1) {
    const count = ranges.slice(0, reads).reduce((n, r) => n + Number(r.count), 0);
    return count < layout.shape.permits ? 'clear' : 'count';
  }
  if (!last) return 'clear';
  const predecessor = predecessorOf(last, asOf);
  const nearest = ranges.slice(0, reads);
  if (nearest.every((r) => !r.more)) {
    const entries = new Map<string, string>();
    for (const r of nearest)
      for (const kv of r.kvs) entries.set(kv.key.toString(), kv.create_revision);
    predecessor.everyAhead = { entries };
  }
  return predecessor;
}
