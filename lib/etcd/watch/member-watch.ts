import type { WatchBuilder, Watcher } from 'etcd3';
import type { EtcdMember, EtcdMembers } from '../cluster/etcd-members.js';
import { cancelWatch, openWatch } from './watch-open.js';

/** After a stream that failed before it ever answered, so a cluster that refuses is not spun on. */
const RETRY_AFTER_MS = 500;

/** What a member-following watch watches, and what its owner does as it opens and breaks. */
export interface MemberWatchSpec {
  /** The watch to open on `member` (prefix, filters, start revision). */
  build(member: EtcdMember): WatchBuilder;
  /** A new stream: attach listeners. Events of a replaced stream must be ignored (`isCurrent`). */
  opened(watcher: Watcher): void;
  /** The stream is gone, and reopens shortly; `missed` if etcd cancelled it (events were lost). */
  broke?(missed: boolean): void;
}

/**
 * One watch that runs on the member used now, and moves to the next one when its member goes
 * silent or the stream breaks, instead of etcd3's reconnect to the same member. The delete
 * watch and the queue-head watch are both one of these.
 */
export class MemberWatch {
  private watcher: Watcher | undefined;
  /** Removes the listener on the member's "silenced" signal, so that none is left behind. */
  private stopListening = (): void => undefined;
  private closed = false;

  constructor(
    private readonly members: EtcdMembers,
    private readonly spec: MemberWatchSpec,
  ) {}

  /** Opens the watch if no stream is up or coming. */
  ensure(): void {
    if (!this.closed && !this.watcher) this.open();
  }

  /** Whether `watcher` is the stream in use: a cancelled one may still deliver. */
  isCurrent(watcher: Watcher): boolean {
    return watcher === this.watcher;
  }

  close(): void {
    this.closed = true;
    this.stopListening();
    cancelWatch(this.watcher);
    this.watcher = undefined;
  }

  private open(): void {
    const member = this.members.current();
    const { watcher, ready } = openWatch(this.spec.build(member));
    this.watcher = watcher;
    this.spec.opened(watcher);
    let answered = false;
    ready.then(
      () => (answered = true),
      () => undefined,
    );
    // etcd cancelled it (the revision was compacted away, or a permission): events were missed.
    watcher.once('error', () => this.restart(watcher, RETRY_AFTER_MS, true));
    watcher.once('disconnected', (error: unknown) => {
      this.members.failed(member, error); // "no leader" (`hasleader`): its status says more
      this.restart(watcher, answered ? 0 : RETRY_AFTER_MS);
    });
    const silenced = this.members.silenced(member);
    const onSilenced = () => this.restart(watcher, 0);
    silenced.addEventListener('abort', onSilenced, { once: true });
    this.stopListening = () => silenced.removeEventListener('abort', onSilenced);
  }

  private restart(which: Watcher, delayMs: number, missed = false): void {
    if (this.closed || which !== this.watcher) return;
    this.watcher = undefined;
    this.stopListening();
    cancelWatch(which);
    this.spec.broke?.(missed);
    setTimeout(() => this.ensure(), delayMs).unref();
  }
}
