import type { Watcher } from 'etcd3';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { DeleteListeners, type DeleteListener } from './delete-listeners.js';
import { type KeyDeleted, RecentDeletes } from './recent-deletes.js';
import { MemberWatch } from './member-watch.js';

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
  private readonly watch: MemberWatch;
  private readonly recent = new RecentDeletes();
  private readonly listeners = new DeleteListeners();
  private waitingForCover: (() => void)[] = [];
  /** From when (`performance.now()`) deletes are expected to arrive as they happen. */
  private liveFrom = Infinity;

  constructor(members: EtcdMembers, prefix: string) {
    this.watch = new MemberWatch(members, {
      build: (member) => {
        const builder = member.client.watch().prefix(prefix).only('delete').withPreviousKV();
        const resume = this.recent.resumeAfter;
        if (resume !== undefined) builder.startRevision(String(resume + 1n));
        this.liveFrom = resume === undefined ? Infinity : performance.now() + CATCH_UP_MS;
        return builder;
      },
      opened: (watcher) => this.opened(watcher),
      broke: (missed) => {
        this.liveFrom = Infinity;
        if (missed) {
          this.recent.reset(undefined);
          this.listeners.interrupted();
        }
      },
    });
  }

  /**
   * Starts the watch from now if it is not running. The first acquisition calls it before it
   * sends its enqueue, so that the watch is live, not catching up from a past revision.
   */
  ensure(): void {
    this.watch.ensure();
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
    this.watch.close();
    this.listeners.interrupted();
  }

  private opened(watcher: Watcher): void {
    // A watcher being cancelled may still deliver: only the current one speaks, in order.
    watcher.on('delete', (kv, previous) => {
      if (!this.watch.isCurrent(watcher)) return;
      const event: KeyDeleted = {
        key: kv.key.toString(),
        revision: BigInt(kv.mod_revision),
        previous: previous?.value.toString(),
        createRevision: previous?.create_revision,
      };
      this.recent.add(event);
      this.listeners.deleted(event);
    });
    // A watch from now: what it covers is known once etcd says which revision "now" was.
    if (this.recent.resumeAfter === undefined) {
      watcher.once('connected', (res) => {
        if (!this.watch.isCurrent(watcher)) return;
        this.recent.reset(BigInt(res.header.revision));
        this.liveFrom = performance.now();
        for (const resolve of this.waitingForCover.splice(0)) resolve();
      });
    }
  }
}
