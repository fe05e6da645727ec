import type { Watcher } from 'etcd3';
import type { EtcdMember } from './etcd-members.js';

/**
 * One idle watcher per member, kept for the life of the module. etcd3 tears its shared watch
 * stream down when the last watcher goes and, racing that teardown, can park the next watcher
 * for its reconnect backoff (~100 ms per handoff with two contenders). A standing watcher keeps
 * the stream open, so every wait reuses it.
 */
export class WatchAnchor {
  private readonly watchers = new Map<EtcdMember, Promise<Watcher | undefined>>();

  constructor(
    /** A key no lock uses: lock names cannot contain NUL. */
    private readonly key: string,
  ) {}

  /** Starts the anchor on `member`; does not wait for it (a silent member never confirms). */
  ensure(member: EtcdMember): void {
    if (this.watchers.has(member)) return;
    const watcher = member.client
      .watch()
      .key(this.key)
      .create()
      .catch(() => (this.watchers.delete(member), undefined));
    this.watchers.set(member, watcher);
  }

  async close(): Promise<void> {
    const watchers = [...this.watchers.values()];
    this.watchers.clear();
    await Promise.all(watchers.map((w) => w.then((x) => x?.cancel()).catch(() => undefined)));
  }
}
