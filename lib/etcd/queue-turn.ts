import type { EtcdEntry, QueueSlot } from './etcd-entry.js';
import type { EtcdMembers } from './etcd-members.js';
import { SessionExpiredError } from './session-expired.error.js';
import type { PrefixDeletes } from './prefix-deletes.watch.js';
import { waitForDelete } from './wait-for-delete.js';
import { waitUntilGone } from './wait-for-gone.js';
import { waitForPermit } from './wait-for-permit.js';

/** Runs a read with the acquisition's transient-error retries. */
export type RetryRead = <T>(step: () => Promise<T>) => Promise<T>;

/** A failed watch is answered by reading the queue again, a few times in a row at most. */
const WATCH_FAILURES_ALLOWED = 3;

/**
 * Waits until `entry` holds in every queue, one name after another. Nothing can appear ahead
 * of an entry once it is enqueued (revisions only grow), so a name whose turn came stays ours
 * while we wait for the next one.
 */
export async function waitForTurn(
  members: EtcdMembers,
  deletes: PrefixDeletes,
  entry: EtcdEntry,
  signal: AbortSignal,
  read: RetryRead,
): Promise<void> {
  for (const slot of entry.slots) {
    if (slot.layout.shape.permits > 1) await waitForPermits(members, entry, slot, signal);
    else await waitForPredecessors(members, deletes, entry, slot, signal, read);
  }
  if (!entry.session.alive) throw new SessionExpiredError('session lease expired while waiting');
}

/**
 * A plain or read lock. When the last read found every entry ahead, wait for their deletes on
 * the prefix watch the process already runs: no read, no watch of our own. Otherwise watch
 * only the entry just ahead (no thundering herd), then read to confirm that our own key still
 * exists and to find the next one ahead; that read is skipped when the entry that went was
 * also the oldest, because no older entry can appear later.
 */
async function waitForPredecessors(
  members: EtcdMembers,
  deletes: PrefixDeletes,
  entry: EtcdEntry,
  slot: QueueSlot,
  signal: AbortSignal,
  read: RetryRead,
): Promise<void> {
  let watchFailures = 0;
  for (;;) {
    signal.throwIfAborted();
    let ahead = slot.ahead;
    slot.ahead = 'unknown';
    if (ahead === 'unknown' || ahead === 'count') ahead = await read(() => entry.readAhead(slot));
    if (ahead === 'clear') return;
    if (ahead === 'unknown' || ahead === 'count') continue;
    const known = ahead.everyAhead;
    const own = known ? entry.slots.map((s) => s.ownKey) : [];
    const allGone = known && waitUntilGone(deletes, known.entries, own, known.asOf, signal);
    if (allGone) {
      if (!(await allGone)) continue;
      return turnCame(entry, slot);
    }
    let certain: boolean;
    try {
      certain = await waitForDelete(members, ahead.key, ahead.createRevision, signal);
      watchFailures = 0;
    } catch (error) {
      if (signal.aborted || ++watchFailures > WATCH_FAILURES_ALLOWED) throw error;
      continue;
    }
    if (certain && ahead.isHead) return turnCame(entry, slot);
  }
}

/** Nothing is ahead in `slot` any more, which counts only while the session still lives. */
function turnCame(entry: EtcdEntry, slot: QueueSlot): void {
  slot.ahead = 'clear';
  if (!entry.session.alive) throw new SessionExpiredError('session lease expired while waiting');
}

/** A semaphore: wait until fewer than `permits` entries are ahead, whichever of them leave. */
async function waitForPermits(
  members: EtcdMembers,
  entry: EtcdEntry,
  slot: QueueSlot,
  signal: AbortSignal,
): Promise<void> {
  if (slot.ahead === 'clear') return;
  let watchFailures = 0;
  for (;;) {
    signal.throwIfAborted();
    try {
      const readAhead = (member: Parameters<EtcdEntry['entriesAhead']>[1]) =>
        entry.entriesAhead(slot, member);
      if (await waitForPermit(members, slot.layout, readAhead, signal)) break;
      watchFailures = 0;
    } catch (error) {
      if (error instanceof SessionExpiredError) throw error;
      if (signal.aborted || ++watchFailures > WATCH_FAILURES_ALLOWED) throw error;
    }
  }
  slot.ahead = 'clear';
}
