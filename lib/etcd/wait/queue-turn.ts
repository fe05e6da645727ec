import type { LineWait } from '../../lock/line-wait.js';
import type { EtcdEntry } from '../queue/etcd-entry.js';
import type { QueueSlot } from '../queue/queue-slot.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { SessionExpiredError } from '../session/session-expired.error.js';
import type { PrefixDeletes } from '../watch/prefix-deletes.watch.js';
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
 * while we wait for the next one. The caller checks the session once this resolves.
 */
export function waitForTurn(
  members: EtcdMembers,
  deletes: PrefixDeletes,
  entry: EtcdEntry,
  wait: LineWait,
  read: RetryRead,
): Promise<void> {
  const waitIn = (slot: QueueSlot) =>
    slot.layout.shape.permits > 1
      ? waitForPermits(members, entry, slot, wait.signal)
      : waitForPredecessors(members, deletes, entry, slot, wait, read);
  // One name, the common case, without a suspended frame of its own per waiter.
  if (entry.slots.length === 1) return waitIn(entry.slots[0]!);
  return (async () => {
    for (const slot of entry.slots) await waitIn(slot);
  })();
}

/**
 * A plain or read lock. When the last read found every entry ahead, wait for their deletes on
 * the prefix watch the process already runs: no read, no watch of our own; a delete of one of
 * our own keys ends that wait first. Otherwise wait only for the entry just ahead (no
 * thundering herd), on that same watch while it can vouch for the deletes since our read (a
 * watch of our own otherwise: a few thousand waiters must not mean a few thousand watches),
 * then read again, guarded on our own keys: that read finds the next one ahead, or says
 * nothing is, and throws `SessionExpiredError` if a key of ours went while we waited. The read
 * is never skipped, even when the entry that went was the head: our own key may have gone
 * before it (etcd #11456, Jepsen; Go's Mutex re-reads its key after the wait too).
 */
async function waitForPredecessors(
  members: EtcdMembers,
  deletes: PrefixDeletes,
  entry: EtcdEntry,
  slot: QueueSlot,
  wait: LineWait,
  read: RetryRead,
): Promise<void> {
  let watchFailures = 0;
  for (;;) {
    wait.throwIfAborted();
    let ahead = slot.ahead;
    slot.ahead = 'unknown';
    if (ahead === 'unknown' || ahead === 'count') ahead = await read(() => entry.readAhead(slot));
    if (ahead === 'clear') return turnCame(entry, slot);
    if (ahead === 'unknown' || ahead === 'count') continue;
    const known = ahead.everyAhead;
    const own = entry.slots.map((s) => s.ownKey);
    const awaited = known?.entries ?? new Map([[ahead.key.toString(), ahead.createRevision]]);
    const gone = waitUntilGone(deletes, awaited, own, ahead.asOf, wait);
    if (gone) {
      if (!(await gone)) continue;
      if (known) return turnCame(entry, slot);
      continue; // the one just ahead went: the guarded read finds the next, or says none is
    }
    try {
      await waitForDelete(members, ahead.key, ahead.createRevision, wait.signal);
      watchFailures = 0;
    } catch (error) {
      if (wait.aborted || ++watchFailures > WATCH_FAILURES_ALLOWED) throw error;
    }
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
      if (await waitForPermit(members, slot.layout, slot.ownKey, readAhead, signal)) break;
      watchFailures = 0;
    } catch (error) {
      if (error instanceof SessionExpiredError) throw error;
      if (signal.aborted || ++watchFailures > WATCH_FAILURES_ALLOWED) throw error;
    }
  }
  slot.ahead = 'clear';
}
