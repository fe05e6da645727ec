import type { Watcher } from 'etcd3';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { DeleteListeners, type DeleteListener } from './delete-listeners.js';
import { type KeyDeleted, RecentDeletes } from './recent-deletes.js';
import { cancelWatch, openWatch } from './watch-open.js';

/** After a stream that failed before it ever answered, so a cluster that refuses is not spun on. */
const RETRY_AFTER_MS = 500;
/**
 * etcd serves a watch that starts at a past revision from a loop that runs every 100 ms, so
 * its events may come that late until the loop has caught it up; this much later they are live.
 */
const CATCH_UP_MS = 150;

/**
 * The one watch over every delete under the lock prefix: held locks learn from it that their
 * key went, and waiters that their whole queue ahead left. It moves to the member used now when
 * its own goes silent or its stream breaks, resuming after the last delete it had (not where
 * etcd3 would resume: etcd3 moves a watch that is still catching up to the current revision).
 */
export class PrefixDeletes {
  private watcher: Watcher | undefined;
  private readonly recent = new RecentDeletes();
  private readonly listeners = new DeleteListeners();
  private waitingForCover: (() => void)[] = [];
  /** From when (`performance.now()`) deletes are expected to arrive as they happen. */
  private liveFrom = Infinity;
  private stopListening = (): void => undefined;
  private closed = false;

  constructor(
    private readonly members: EtcdMembers,
    private readonly prefix: string,
  ) {}

  /**
   * Starts the watch from now if it is not running. The first acquisition calls it before it
   * sends its enqueue, so that the watch is live, not catching up from a past revision.
   */
  ensure(): void {
    if (!this.closed && !this.watcher) this.open();
  }

  /** Resolves once the watch knows from which revision on it has every delete. */
  covering(): Promise<void> {
    if (this.recent.vouching) return Promise.resolve();
    return new Promise((resolve) => this.waitingForCover.push(resolve));
  }

  /** The deletes after `after` delivered so far, or `undefined` if they are not all known. */
  since(after: bigint): KeyDeleted[] | undefined {
    return this.recent.since(after);
  }

  /** The latest delete of `key` after `after`; `null`: none, `undefined`: not all known. */
  latestOf(key: string, after: bigint): KeyDeleted | null | undefined {
    return this.recent.latestOf(key, after);
  }

  /** Whether deletes arrive as they happen: a waiter in a hurry needs that, a held lock not. */
  get live(): boolean {
    return performance.now() >= this.liveFrom;
  }

  /**
   * Follows the deletes from now on, of every key or of `keys` only; returns the function that
   * stops following.
   */
  listen(listener: DeleteListener, keys?: readonly string[]): () => void {
    return this.listeners.add(listener, keys);
  }

  close(): void {
    this.closed = true;
    this.stopListening();
    cancelWatch(this.watcher);
    this.watcher = undefined;
    this.interrupt();
  }

  private open(): void {
    const member = this.members.current();
    const builder = member.client.watch().prefix(this.prefix).only('delete').withPreviousKV();
    const resume = this.recent.resumeAfter;
    if (resume !== undefined) builder.startRevision(String(resume + 1n));
    this.liveFrom = resume === undefined ? Infinity : performance.now() + CATCH_UP_MS;
    const { watcher, ready } = openWatch(builder);
    this.watcher = watcher;
    // A watcher being cancelled may still deliver: only the current one speaks, in order.
    watcher.on(
      'delete',
      (kv, previous) =>
        watcher === this.watcher &&
        this.deleted({
          key: kv.key.toString(),
          revision: BigInt(kv.mod_revision),
          previous: previous?.value.toString(),
          createRevision: previous?.create_revision,
        }),
    );
    // A watch from now: what it covers is known once etcd says which revision "now" was.
    if (resume === undefined) {
      watcher.once('connected', (res) => {
        if (watcher !== this.watcher) return;
        this.recent.reset(BigInt(res.header.revision));
        this.liveFrom = performance.now();
        for (const resolve of this.waitingForCover.splice(0)) resolve();
      });
    }
    let answered = false;
    ready.then(
      () => (answered = true),
      () => undefined,
    );
    // etcd cancelled it (the revision was compacted away, or a permission): deletes were missed.
    watcher.once('error', () => this.restart(watcher, RETRY_AFTER_MS, true));
    watcher.once('disconnected', (error: unknown) => {
      this.members.failed(member, error); // "no leader" (`hasleader`): its status says more
      this.restart(watcher, answered ? 0 : RETRY_AFTER_MS);
    });
    const silenced = this.members.silenced(member);
    const onSilenced = () => this.restart(watcher, 0);
    silenced.addEventListener('abort', onSilenced, { once: true });
    // Restarted for another reason: no listener left behind on a member that stays healthy.
    this.stopListening = () => silenced.removeEventListener('abort', onSilenced);
  }

  private restart(which: Watcher, delayMs: number, missed = false): void {
    if (this.closed || which !== this.watcher) return;
    this.watcher = undefined;
    this.liveFrom = Infinity;
    this.stopListening();
    cancelWatch(which);
    if (missed) {
      this.recent.reset(undefined);
      this.interrupt();
    }
    const reopen = () => this.watcher || this.closed || this.open();
    setTimeout(reopen, delayMs).unref();
  }

  private deleted(event: KeyDeleted): void {
    this.recent.add(event);
    this.listeners.deleted(event);
  }

  private interrupt(): void {
    this.listeners.interrupted();
  }
}
