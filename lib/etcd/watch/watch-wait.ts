import type { IKeyValue, WatchBuilder } from 'etcd3';
import type { EtcdMember, EtcdMembers } from '../cluster/etcd-members.js';
import { cancelWatch, openWatch } from './watch-open.js';

/** What one watch wait is about: its watch, its deletes, and the read after the watch is up. */
export interface WatchWaitPlan<T> {
  /** The outcome when events may have been missed (a silent member, a stream that ended). */
  readonly interrupted: T;
  watch(member: EtcdMember): WatchBuilder;
  /** A delete under the watch; `settle` ends the wait with an outcome. */
  deleted(kv: IKeyValue, previous: IKeyValue | undefined, settle: (outcome: T) => void): void;
  /**
   * Once the watch is confirmed: a read that closes the gap between the watch and the
   * caller's last read. Its outcome, or `undefined` to wait for the watch.
   */
  readAfterWatch(member: EtcdMember): Promise<T | undefined>;
}

/**
 * A wait on a watch of its own, on the member used now: what `waitForDelete` and
 * `waitForPermit` share. It rejects when `signal` aborts (with its reason) or the watch fails,
 * and ends with `plan.interrupted` when the member is found silent or the stream ends (a
 * member that lost its leader, `hasleader`): a frozen member never confirms a watch, so the
 * heartbeat's verdict must end the wait too.
 */
export async function waitOnWatch<T>(
  members: EtcdMembers,
  signal: AbortSignal,
  plan: WatchWaitPlan<T>,
): Promise<T> {
  signal.throwIfAborted();
  const member = members.current();
  const silenced = members.silenced(member);
  let settle!: (outcome: T) => void;
  let fail!: (error: unknown) => void;
  const outcome = new Promise<T>((resolve, reject) => ((settle = resolve), (fail = reject)));
  outcome.catch(() => undefined); // settled early (abort, error) while we are still reading
  const onAbort = () => fail(signal.reason);
  const onSilenced = () => settle(plan.interrupted);
  signal.addEventListener('abort', onAbort, { once: true });
  silenced.addEventListener('abort', onSilenced, { once: true });
  const { watcher, ready } = openWatch(plan.watch(member));
  watcher.on('delete', (kv, previous) => plan.deleted(kv, previous, settle));
  watcher.once('error', (error) => fail(error));
  watcher.once('disconnected', (error: unknown) => {
    members.failed(member, error);
    settle(plan.interrupted);
  });
  try {
    const early = await Promise.race([ready.then(() => false), outcome.then(() => true)]);
    if (early) return await outcome;
    return (await plan.readAfterWatch(member)) ?? (await outcome);
  } finally {
    signal.removeEventListener('abort', onAbort);
    silenced.removeEventListener('abort', onSilenced);
    cancelWatch(watcher);
  }
}
