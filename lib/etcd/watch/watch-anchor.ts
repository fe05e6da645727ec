import type { Watcher } from 'etcd3';
import type { EtcdMember } from '../cluster/etcd-members.js';
import { cancelWatch, openWatch } from './watch-open.js';

/**
 * One idle watcher per member, kept for the life of the module. etcd3 tears its shared watch
 * stream down when the last watcher goes and, racing that teardown, can park the next watcher
 * for its reconnect backoff (~100 ms per handoff with two contenders). A standing watcher keeps
 * the stream open, so every wait reuses it.
 */
export class WatchAnchor {
  private readonly watchers = new Map<EtcdMember, Watcher>();

  constructor(
    /** A key no lock uses: lock names cannot contain NUL. */
    private readonly key: string,
  ) {}

  /** Starts the anchor on `member`; does not wait for it (a silent member never confirms). */
  ensure(member: EtcdMember): void {
    if (this.watchers.has(member)) return;
    const { watcher, ready } = openWatch(member.client.watch().key(this.key));
    this.watchers.set(member, watcher);
    ready.catch(() => this.watchers.get(member) === watcher && this.watchers.delete(member));
  }

  close(): void {
    for (const watcher of this.watchers.values()) cancelWatch(watcher);
    this.watchers.clear();
  }
}
