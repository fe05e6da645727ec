import type { Watcher } from 'etcd3';
import type { EtcdMembers } from './etcd-members.js';
import { cancelWatch, openWatch } from './watch-open.js';

/** One delete under the prefix, as the watch reported it. */
export interface KeyDeleted {
  readonly key: string;
  readonly revision: bigint;
  /** The value just before the delete. */
  readonly previous: string | undefined;
}

/** Told of every delete in revision order, and once if deletes may have been missed. */
export interface DeleteListener {
  deleted(event: KeyDeleted): void;
  interrupted(): void;
}

/** How many recent deletes are kept for those who ask after the fact. */
const LOG_LIMIT = 1024;
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
 * It keeps the latest deletes, because a waiter that read the queue at revision R needs every
 * delete after R, and a watch event can reach us before the reply that carried R.
 */
export class PrefixDeletes {
  private watcher: Watcher | undefined;
  /** Every delete after this revision was delivered or is still to come; unset, none is. */
  private complete: bigint | undefined;
  private readonly log: KeyDeleted[] = [];
  /** The log holds every delete delivered after this revision. */
  private logFloor: bigint | undefined;
  private readonly listeners = new Set<DeleteListener>();
  private waitingForCover: (() => void)[] = [];
  /** From when (`performance.now()`) deletes are expected to arrive as they happen. */
  private liveFrom = Infinity;
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
    if (this.complete !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.waitingForCover.push(resolve));
  }

  /** The deletes after `after` delivered so far, or `undefined` if they are not all known. */
  since(after: bigint): KeyDeleted[] | undefined {
    if (this.complete === undefined || this.complete > after) return undefined;
    if (this.logFloor === undefined || this.logFloor > after) return undefined;
    let first = this.log.length;
    while (first > 0 && this.log[first - 1]!.revision > after) first--;
    return this.log.slice(first);
  }

  /** Whether deletes arrive as they happen: a waiter in a hurry needs that, a held lock not. */
  get live(): boolean {
    return performance.now() >= this.liveFrom;
  }

  /** Follows the deletes from now on; returns the function that stops following. */
  listen(listener: DeleteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    cancelWatch(this.watcher);
    this.watcher = undefined;
    this.interrupt();
  }

  private open(): void {
    const member = this.members.current();
    const builder = member.client.watch().prefix(this.prefix).only('delete').withPreviousKV();
    const resume = this.resumePoint();
    if (resume !== undefined) builder.startRevision(String(resume + 1n));
    this.liveFrom = resume === undefined ? Infinity : performance.now() + CATCH_UP_MS;
    const { watcher, ready } = openWatch(builder);
    this.watcher = watcher;
    watcher.on('delete', (kv, previous) =>
      this.deleted({
        key: kv.key.toString(),
        revision: BigInt(kv.mod_revision),
        previous: previous?.value.toString(),
      }),
    );
    // A watch from now: what it covers is known once etcd says which revision "now" was.
    if (resume === undefined) {
      watcher.once('connected', (res) => {
        if (watcher !== this.watcher) return;
        this.complete = this.logFloor = BigInt(res.header.revision);
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
    watcher.once('disconnected', () => this.restart(watcher, answered ? 0 : RETRY_AFTER_MS));
    const silenced = this.members.silenced(member);
    silenced.addEventListener('abort', () => this.restart(watcher, 0), { once: true });
  }

  /** After which revision the next watch must start, so that nothing is missed. */
  private resumePoint(): bigint | undefined {
    const last = this.log.at(-1)?.revision;
    if (this.complete === undefined) return undefined;
    return last !== undefined && last > this.complete ? last : this.complete;
  }

  private restart(which: Watcher, delayMs: number, missed = false): void {
    if (this.closed || which !== this.watcher) return;
    this.watcher = undefined;
    this.liveFrom = Infinity;
    cancelWatch(which);
    if (missed) {
      this.complete = this.logFloor = undefined;
      this.log.length = 0;
      this.interrupt();
    }
    const reopen = () => this.watcher || this.closed || this.open();
    setTimeout(reopen, delayMs).unref();
  }

  private deleted(event: KeyDeleted): void {
    this.log.push(event);
    if (this.log.length > LOG_LIMIT) {
      this.logFloor = this.log.splice(0, LOG_LIMIT / 2).at(-1)!.revision;
    }
    for (const listener of this.listeners) listener.deleted(event);
  }

  private interrupt(): void {
    for (const listener of [...this.listeners]) listener.interrupted();
  }
}
