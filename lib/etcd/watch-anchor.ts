import type { Etcd3, Watcher } from 'etcd3';

/**
 * One idle watcher, kept for the life of the module. etcd3 tears its shared watch stream down
 * when the last watcher goes and, racing that teardown, can park the next watcher for its
 * reconnect backoff (~100 ms per handoff with two contenders). A standing watcher keeps the
 * stream open, so every wait reuses it.
 */
export class WatchAnchor {
  private watcher: Promise<Watcher | undefined> | undefined;

  constructor(
    private readonly client: Etcd3,
    /** A key no lock uses: lock names cannot contain NUL. */
    private readonly key: string,
  ) {}

  ensure(): Promise<unknown> {
    this.watcher ??= this.client
      .watch()
      .key(this.key)
      .create()
      .catch(() => (this.watcher = undefined));
    return this.watcher;
  }

  async close(): Promise<void> {
    const watcher = await this.watcher;
    this.watcher = undefined;
    await watcher?.cancel().catch(() => undefined);
  }
}
