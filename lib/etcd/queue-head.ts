import { concatMap, distinctUntilChanged, from, Observable, startWith, Subject } from 'rxjs';
import type { QueueHead } from '../lock/lock-backend.interface.js';
import { describeEtcdFailure, UNKNOWN_HOST } from './etcd-failure.diagnosis.js';
import type { EtcdMembers } from './etcd-members.js';
import { cancelWatch, openWatch } from './watch-open.js';

/** The oldest key under `queuePrefix`, as Go's `Election.Leader` reads it. */
export async function readQueueHead(
  members: EtcdMembers,
  queuePrefix: string,
): Promise<QueueHead | undefined> {
  try {
    const res = await members.run((client) =>
      client.getAll().prefix(queuePrefix).sort('Create', 'Ascend').limit(1).exec(),
    );
    const kv = res.kvs[0];
    return kv && { value: kv.value.toString(), token: BigInt(kv.create_revision) };
  } catch (error) {
    throw describeEtcdFailure(error, UNKNOWN_HOST);
  }
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
  return new Observable<QueueHead | undefined>((subscriber) => {
    const changed = new Subject<void>();
    const { watcher, ready } = openWatch(members.current().client.watch().prefix(queuePrefix));
    // Also after a reconnect: events may have been missed while the stream was down.
    watcher.on('data', () => changed.next());
    watcher.on('connected', () => changed.next());
    const subscription = changed
      .pipe(
        startWith(undefined),
        concatMap(() => from(readQueueHead(members, queuePrefix))),
        distinctUntilChanged((a, b) => a?.token === b?.token && a?.value === b?.value),
      )
      .subscribe(subscriber);
    ready.catch((error: unknown) => subscriber.error(describeEtcdFailure(error, UNKNOWN_HOST)));
    return () => {
      subscription.unsubscribe();
      cancelWatch(watcher);
    };
  });
}
