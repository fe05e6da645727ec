import { describe, expect, it } from 'vitest';
import type { DeleteListener } from '../../../../lib/etcd/watch/delete-listeners.js';
import type { PrefixDeletes } from '../../../../lib/etcd/watch/prefix-deletes.watch.js';
import { type KeyDeleted, RecentDeletes } from '../../../../lib/etcd/watch/recent-deletes.js';
import { waitUntilGone } from '../../../../lib/etcd/wait/wait-for-gone.js';
import { AttemptGate } from '../../../../lib/lock/attempt-gate.js';

/** The delete watch as a waiter sees it, fed by hand: events arrive when the test says. */
class HandFedDeletes {
  readonly recent = new RecentDeletes();
  private readonly listeners = new Set<DeleteListener>();
  live = true;

  ensure(): void {}
  since(after: bigint): KeyDeleted[] | undefined {
    return this.recent.since(after);
  }
  listen(listener: DeleteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** A delete of `key` at `revision`, of the incarnation created at `created`. */
  deliver(key: string, revision: number, created: number | null = 10): void {
    const createRevision = created === null ? undefined : String(created);
    const event = { key, revision: BigInt(revision), previous: undefined, createRevision };
    this.recent.add(event);
    for (const listener of this.listeners) listener.deleted(event);
  }
  listening(): number {
    return this.listeners.size;
  }
  interrupt(): void {
    for (const listener of [...this.listeners]) listener.interrupted();
  }
}

/** Every name ahead was created at revision 10 unless a test says otherwise. */
const queue = (...names: string[]) => new Map(names.map((name) => [name, '10']));

function setUp(after: number, ahead: Map<string, string>) {
  const feed = new HandFedDeletes();
  feed.recent.reset(0n);
  const gate = new AttemptGate();
  const line = gate.waitInLine(new AbortController().signal);
  const waiting = waitUntilGone(
    feed as unknown as PrefixDeletes,
    ahead,
    ['own'],
    BigInt(after),
    line,
  )!;
  /** The outcome if the wait has ended by the time pending callbacks have run, else undefined. */
  const settled = () =>
    Promise.race([
      waiting,
      new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
    ]);
  return { feed, settled, gate };
}

describe('waiting for the whole queue ahead to leave', () => {
  it('holds once every entry ahead was deleted after the read', async () => {
    const { feed, settled } = setUp(20, queue('a', 'b'));
    feed.deliver('a', 21);
    expect(await settled()).toBeUndefined();
    feed.deliver('b', 22);
    expect(await settled()).toBe(true);
  });

  it('ignores a late event for an older incarnation of a name that is ahead again', async () => {
    // The holder released `a` at revision 18 and took the same name again at 19; the waiter
    // read the queue at 20, before the watch had delivered the delete at 18.
    const { feed, settled } = setUp(20, new Map([['a', '19']]));
    feed.deliver('a', 18, 5);
    expect(await settled()).toBeUndefined();
    feed.deliver('a', 25, 19);
    expect(await settled()).toBe(true);
  });

  it('sends the waiter back to read when its own key goes or a delete cannot be placed', async () => {
    const own = setUp(20, queue('a'));
    own.feed.deliver('own', 21);
    expect(await own.settled()).toBe(false);
    const missed = setUp(20, queue('a'));
    missed.feed.interrupt();
    expect(await missed.settled()).toBe(false);
    const compacted = setUp(20, queue('a'));
    compacted.feed.deliver('a', 21, null); // no previous value: compacted away
    expect(await compacted.settled()).toBe(false);
  });

  it('sends the waiter back when its caller stops waiting, and stops listening to deletes', async () => {
    const { feed, settled, gate } = setUp(20, queue('a'));
    gate.abort('timed out');
    expect(await settled()).toBe(false);
    expect(feed.listening()).toBe(0);
  });

  it('counts the deletes that reached the watch before the waiter asked', async () => {
    const feed = new HandFedDeletes();
    feed.recent.reset(0n);
    feed.deliver('a', 21);
    const line = new AttemptGate().waitInLine(new AbortController().signal);
    const deletes = feed as unknown as PrefixDeletes;
    const waiting = waitUntilGone(deletes, queue('a'), ['own'], 20n, line);
    expect(await waiting).toBe(true);
  });
});
