/** One delete under the prefix, as the watch reported it. */
export interface KeyDeleted {
  readonly key: string;
  readonly revision: bigint;
  /** The value just before the delete. */
  readonly previous: string | undefined;
  /** Which incarnation of the name went (its create revision); unknown if compacted away. */
  readonly createRevision: string | undefined;
}

/** How many deletes are kept; half of them go when it is reached. */
const LIMIT = 1024;

/**
 * The latest deletes a watch delivered, in revision order, for whoever asks after the fact: a
 * waiter that read the queue at revision R needs every delete after R, and a watch event can
 * reach the process before the reply that carried R.
 */
export class RecentDeletes {
  private readonly events: KeyDeleted[] = [];
  /** The latest of `events` per key: a new holder asks about its own keys only. */
  private readonly latest = new Map<string, KeyDeleted>();
  /** Every delete after this revision is here or still to come; unset: none is vouched for. */
  private floor: bigint | undefined;

  /** Starts over: every delete after `revision` will be recorded (`undefined`: not known yet). */
  reset(revision: bigint | undefined): void {
    this.events.length = 0;
    this.latest.clear();
    this.floor = revision;
  }

  get vouching(): boolean {
    return this.floor !== undefined;
  }

  /** After which revision a watch must resume so that nothing is missed. */
  get resumeAfter(): bigint | undefined {
    const last = this.events.at(-1)?.revision;
    return last !== undefined && this.floor !== undefined && last > this.floor ? last : this.floor;
  }

  add(event: KeyDeleted): void {
    this.events.push(event);
    this.latest.set(event.key, event);
    if (this.events.length <= LIMIT) return;
    const dropped = this.events.splice(0, LIMIT / 2);
    for (const old of dropped) if (this.latest.get(old.key) === old) this.latest.delete(old.key);
    this.floor = dropped.at(-1)!.revision;
  }

  /**
   * The latest delete of `key` after `after`: `null` if there was none, `undefined` if the
   * deletes since `after` are not all known. One lookup, where `since` would walk every delete
   * that went by meanwhile: with hundreds of acquisitions in flight, each new holder would.
   */
  latestOf(key: string, after: bigint): KeyDeleted | null | undefined {
    if (this.floor === undefined || this.floor > after) return undefined;
    const event = this.latest.get(key);
    return event !== undefined && event.revision > after ? event : null;
  }

  /** The deletes after `after` delivered so far, or `undefined` if they are not all known. */
  since(after: bigint): KeyDeleted[] | undefined {
    if (this.floor === undefined || this.floor > after) return undefined;
    let first = this.events.length;
    while (first > 0 && this.events[first - 1]!.revision > after) first--;
    return this.events.slice(first);
  }
}
