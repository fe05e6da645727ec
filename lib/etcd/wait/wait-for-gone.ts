import type { LineWait, LineWaitListener } from '../../lock/line-wait.js';
import type { DeleteListener } from '../watch/delete-listeners.js';
import type { PrefixDeletes } from '../watch/prefix-deletes.watch.js';
import type { KeyDeleted } from '../watch/recent-deletes.js';

/**
 * Resolves once every entry in `ahead` (key name → create revision) was deleted after revision
 * `after`, where the queue was read: `true`. Nothing can join ahead of an entry later
 * (revisions only grow), so the entry is then at the head with no read to confirm it. A delete
 * counts only for the incarnation that was read: names are reused, and the watch may still be
 * behind `after`, so an older incarnation's delete can arrive after the read. Resolves `false`
 * when the caller must read the queue again: one of our `own` keys went (the lease expired), a
 * delete came without its previous value, deletes may have been missed, or `line` was aborted.
 * `ahead` is the caller's to give: it is emptied as the deletes come.
 * `undefined` when the watch cannot vouch for every delete after `after`, or would report them
 * late (it is still catching up).
 */
export function waitUntilGone(
  deletes: PrefixDeletes,
  ahead: Map<string, string>,
  own: readonly string[],
  after: bigint,
  line: LineWait,
): Promise<boolean> | undefined {
  deletes.ensure();
  const missed = deletes.since(after);
  if (!missed || !deletes.live || line.aborted) return undefined;
  const wait = new GoneWait(ahead, own, after, line);
  wait.listen(deletes);
  for (const event of missed) wait.deleted(event);
  wait.check();
  return wait.gone;
}

/**
 * The wait as one object: it is the delete listener and the abort listener itself, with no
 * closures of its own, since each of 10,000 waiters has one for as long as it waits.
 */
class GoneWait implements DeleteListener, LineWaitListener {
  readonly gone: Promise<boolean>;
  private resolve!: (certain: boolean) => void;
  private stopListening: () => void = () => undefined;

  constructor(
    /** Emptied as the deletes come. */
    private readonly pending: Map<string, string>,
    private readonly own: readonly string[],
    private readonly after: bigint,
    private readonly line: LineWait,
  ) {
    this.gone = new Promise<boolean>((resolve) => (this.resolve = resolve));
  }

  listen(deletes: PrefixDeletes): void {
    this.stopListening = deletes.listen(this, [...this.pending.keys(), ...this.own]);
    this.line.listen(this);
  }

  deleted({ key, revision, createRevision }: KeyDeleted): void {
    if (revision <= this.after) return;
    if (this.own.includes(key)) return this.settle(false);
    const incarnation = this.pending.get(key);
    if (incarnation === undefined) return;
    if (createRevision === undefined) return this.settle(false);
    if (createRevision === incarnation) this.pending.delete(key);
    this.check();
  }

  check(): void {
    if (this.pending.size === 0) this.settle(true);
  }

  interrupted(): void {
    this.settle(false);
  }

  /** The caller stopped waiting, or the session ended. */
  handleEvent(): void {
    this.settle(false);
  }

  /** Detaches at once, not in a `finally` on the promise: that was two closures more each. */
  private settle(certain: boolean): void {
    this.stopListening();
    this.line.unlisten(this);
    this.resolve(certain);
  }
}
