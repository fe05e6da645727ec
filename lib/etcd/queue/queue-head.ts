import { distinctUntilChanged, Observable } from 'rxjs';
import type { QueueHead } from '../../lock/lock-backend.interface.js';
import { described } from '../cluster/etcd-failure.diagnosis.js';
import { coalescedReads } from '../watch/coalesced-reads.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { MemberWatch } from '../watch/member-watch.js';

/** After a failed watch or read, how long to wait before trying again. */
const RETRY_MS = 500;

/** The oldest key under `queuePrefix`, as Go's `Election.Leader` reads it. */
export async function readQueueHead(
  members: EtcdMembers,
  queuePrefix: string,
): Promise<QueueHead | undefined> {
  const res = await described(
    members.run((client) =>
      client.getAll().prefix(queuePrefix).sort('Create', 'Ascend').limit(1).exec(),
    ),
  );
  const kv = res.kvs[0];
  return kv && { value: kv.value.toString(), token: BigInt(kv.create_revision) };
}

/**
 * The head now, then again after every change under the prefix. Go's `Observe` reports only
 * puts, so a leader that is gone stays named (etcd #18163); here a delete is a change too, and
 * each answer is a fresh read, in order, so the last one emitted is never older than an event.
 */
export function watchQueueHead(
  members: EtcdMembers,
  queuePrefix: string,
): Observable<QueueHead | undefined> {
  return readOnEveryChange(members, queuePrefix, () => readQueueHead(members, queuePrefix)).pipe(
    distinctUntilChanged((a, b) => a?.token === b?.token && a?.value === b?.value),
  );
}

/**
 * `read()` now, then again after changes under `prefix` (one read for the changes made during
 * another, reads at least `minGapMs` apart). A failed read is tried again shortly; the last
 * answer stays the current one.
 */
export function readOnEveryChange<T>(
  members: EtcdMembers,
  prefix: string,
  read: () => Promise<T>,
  minGapMs = 0,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const reads = coalescedReads(read, (value) => subscriber.next(value), RETRY_MS, minGapMs);
    const stop = watchPrefix(members, prefix, reads.changed);
    reads.changed();
    return () => {
      reads.stop();
      stop();
    };
  });
}

/**
 * Calls `changed` on every event under `prefix`, and after every (re)connect, since events
 * may have been missed while no stream was up. Returns a stop function.
 */
function watchPrefix(members: EtcdMembers, prefix: string, changed: () => void): () => void {
  const watch = new MemberWatch(members, {
    build: (member) => member.client.watch().prefix(prefix),
    opened: (watcher) => {
      watcher.on('data', () => watch.isCurrent(watcher) && changed());
      watcher.on('connected', () => watch.isCurrent(watcher) && changed());
    },
  });
  watch.ensure();
  return () => watch.close();
}
