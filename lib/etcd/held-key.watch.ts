import type { Watcher } from 'etcd3';
import { FORCE_RELEASED } from '../lock/process-owner.js';
import type { EtcdMembers } from './etcd-members.js';
import { cancelWatch, openWatch } from './watch-open.js';

/** A held lock as the watch sees it. */
export interface WatchedKey {
  readonly etcdKeys: readonly string[];
  readonly fencingToken: bigint;
  markLost(reason: string): void;
}

/** After a failure that came back at once, so a cluster that refuses everything is not spun on. */
const RETRY_AFTER_MS = 500;

/**
 * Tells a holder when its key is deleted by anyone but itself: an operator's `etcdctl del`, a
 * clean-up script, a force-release, or the server revoking the lease. The lease alone cannot
 * tell: it may be alive while the key is gone. One watch over the prefix serves every held
 * lock (deletes only); it follows the current member and resumes from the last revision seen.
 */
export class HeldKeyWatch {
  /** One holder per key: a key name carries its lease and slot, and a slot has one user. */
  private readonly held = new Map<string, WatchedKey>();
  private watcher: Watcher | undefined;
  /** Every delete up to this revision has been seen. */
  private seen: bigint | undefined;
  private closed = false;

  constructor(
    private readonly members: EtcdMembers,
    private readonly prefix: string,
  ) {}

  add(lock: WatchedKey): void {
    for (const key of lock.etcdKeys) this.held.set(key, lock);
    // A delete between the acquisition and the watch is replayed from the lock's revision.
    this.seen ??= lock.fencingToken;
    if (!this.watcher) this.start();
  }

  remove(lock: WatchedKey): void {
    for (const key of lock.etcdKeys) if (this.held.get(key) === lock) this.held.delete(key);
  }

  close(): void {
    this.closed = true;
    cancelWatch(this.watcher);
    this.watcher = undefined;
  }

  private start(): void {
    if (this.closed) return;
    const member = this.members.current();
    // Not `ignore('put')`: in etcd3 1.1.2 `ignore` is an alias of `only`, so it would keep only puts.
    // With the previous value: a force-release leaves its reason there.
    const builder = member.client.watch().prefix(this.prefix).only('delete').withPreviousKV();
    if (this.seen !== undefined) builder.startRevision(String(this.seen + 1n));
    const { watcher, ready } = openWatch(builder);
    this.watcher = watcher;
    // Progress is counted from the events themselves: while a watch that starts in the past
    // catches up, its headers already carry the current revision.
    watcher.on('delete', (kv, previous) =>
      this.deleted(kv.key.toString(), BigInt(kv.mod_revision), previous?.value.toString()),
    );
    ready.then(
      () =>
        watcher.once('error', () => {
          // etcd cancelled the watch (its revision was compacted away): resume from now.
          this.seen = undefined;
          this.restart(watcher, RETRY_AFTER_MS);
        }),
      () => this.restart(watcher, RETRY_AFTER_MS),
    );
    const silenced = this.members.silenced(member);
    silenced.addEventListener('abort', () => this.restart(watcher, 0), { once: true });
  }

  /** Replaces `which` with a watch on the member to use now, from the last revision seen. */
  private restart(which: Watcher, delayMs: number): void {
    if (this.closed || which !== this.watcher) return;
    this.watcher = undefined;
    cancelWatch(which);
    const timer = setTimeout(() => this.watcher ?? this.start(), delayMs);
    timer.unref();
  }

  private saw(revision: bigint): void {
    if (this.seen === undefined || revision > this.seen) this.seen = revision;
  }

  private deleted(key: string, revision: bigint, previous: string | undefined): void {
    this.saw(revision);
    const lock = this.held.get(key);
    if (!lock || lock.fencingToken >= revision) return;
    if (previous?.startsWith(FORCE_RELEASED)) {
      lock.markLost(`released by an operator: ${previous.slice(FORCE_RELEASED.length)}`);
      return;
    }
    lock.markLost(
      `its key was deleted at revision ${revision} while held (by another client, ` +
        'an operator, or the server revoking its lease)',
    );
  }
}
