import type { IRangeResponse } from 'etcd3';
import type { BatchedTxn } from '../batch/txn-batch.js';
import { createdAt, getKey, putOn } from '../cluster/kv-requests.js';
import { type Ahead, aheadFrom } from './queue-ahead.js';
import type { QueueLayout } from './queue-layout.js';

/** One name of an acquisition: its layout, our key in its queue, and what is ahead of us. */
export interface QueueSlot {
  readonly layout: QueueLayout;
  readonly slot: number;
  readonly ownKey: string;
  ahead: Ahead;
}

/**
 * The enqueue of `slots` as one transaction: if none of our keys exists, read what is ahead in
 * every queue, then put our keys on `lease` (the reads come first, so they never see our own
 * keys); if they exist, read them back. Idempotent: a retry after a lost reply finds its keys.
 */
export function enqueueTxn(slots: readonly QueueSlot[], value: string, lease: string): BatchedTxn {
  const keys = slots.map((s) => Buffer.from(s.ownKey));
  const bytes = Buffer.from(value);
  return {
    compare: keys.map((key) => createdAt(key, '0')),
    success: [
      ...slots.flatMap((s) => s.layout.aheadReads()),
      ...keys.map((key) => putOn(key, bytes, lease)),
    ],
    failure: keys.map(getKey),
  };
}

/** Sets each slot's `ahead` from the enqueue's reads, made at `revision`. */
export function noteAhead(slots: readonly QueueSlot[], ranges: IRangeResponse[], revision: bigint) {
  let at = 0;
  for (const slot of slots) {
    const reads = slot.layout.blockerCount;
    slot.ahead = aheadFrom(slot.layout, ranges.slice(at, at + 2 * reads), reads, revision);
    at += 2 * reads;
  }
}
