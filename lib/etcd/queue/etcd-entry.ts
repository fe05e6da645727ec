import type { ComparatorBuilder, Etcd3, IKeyValue, IRangeResponse, IRequestOp } from 'etcd3';
import { createdAt, deleteKey } from '../cluster/kv-requests.js';
import { lockEntryValue } from '../../lock/process-owner.js';
import type { EtcdMember, EtcdMembers } from '../cluster/etcd-members.js';
import type { GroupCommit } from '../batch/group-commit.js';
import type { LockSession } from '../session/lock-session.js';
import { type Ahead, aheadFrom } from './queue-ahead.js';
import { enqueueTxn, noteAhead, type QueueSlot } from './queue-slot.js';
import type { QueueLayout } from './queue-layout.js';
import { isLeaseGone, SessionExpiredError } from '../session/session-expired.error.js';

/** Where an entry's requests go: its writes through group commit, its reads to a member. */
export interface EntryRequests {
  readonly members: EtcdMembers;
  readonly writes: GroupCommit;
}

/**
 * One acquisition in etcd: a key in the queue of each of its names, all created by one
 * transaction on the session lease. They share one create revision, which is the fencing
 * token; since every entry waits only for entries with a lower revision, no set of waiters
 * can deadlock, whatever order names are listed in.
 */
export class EtcdEntry {
  readonly slots: QueueSlot[];
  private revision: bigint | undefined;
  /** A delete was sent before: its names are never reused (see `remove`). */
  private removing = false;

  private readonly members: EtcdMembers;

  constructor(
    private readonly requests: EntryRequests,
    layouts: readonly QueueLayout[],
    readonly session: LockSession,
    /** The keys' value: the holder by default, or an election's proposal. */
    private readonly value: string = lockEntryValue(),
  ) {
    this.members = requests.members;
    this.slots = layouts.map((layout) => {
      const slot = session.slots.claim(layout.dir);
      return { layout, slot, ownKey: `${layout.dir}${session.leaseHex}_${slot}`, ahead: 'unknown' };
    });
  }

  /** Our keys' create revision: the fencing token. */
  get fencingToken(): bigint {
    if (this.revision === undefined) throw new Error('entry has not been enqueued');
    return this.revision;
  }

  /**
   * One transaction: read what is ahead in every queue, then create our keys if absent.
   * Idempotent, so a retry after a lost reply finds its own keys instead of queueing twice.
   * It may share one etcd request with other callers' (group commit), never with an entry of
   * a queue it nests with. Returns true when nothing is ahead in any queue: the lock is held.
   */
  async enqueue(): Promise<boolean> {
    const txn = enqueueTxn(this.slots, this.value, this.session.leaseId);
    const queues = this.slots.map((s) => s.layout.queue);
    const res = await this.requests.writes.send(txn, queues).catch((error: unknown) => {
      if (!isLeaseGone(error)) throw error;
      // Revoked before our renewal could tell: start over on a new lease.
      this.session.expire('etcd reports the lease as expired or revoked', error);
      throw new SessionExpiredError('the session lease is gone', { cause: error });
    });
    const ranges = res.responses.map((r) => r.response_range);
    if (!res.succeeded) return this.resumeEnqueued(ranges);
    this.revision = res.revision;
    noteAhead(this.slots, ranges, res.revision);
    return this.slots.every((s) => s.ahead === 'clear');
  }

  /**
   * What is ahead in `slot`'s queue now, from a read guarded on still holding our keys: a
   * key gone means the lease expired.
   */
  async readAhead(slot: QueueSlot): Promise<Ahead> {
    const { layout } = slot;
    if (layout.shape.permits > 1) {
      const entries = await this.entriesAhead(slot, this.members.current());
      return entries.length < layout.shape.permits ? 'clear' : 'count';
    }
    const { ranges, revision } = await this.readGuarded(
      this.members.current(),
      layout.aheadReads(this.fencingToken),
    );
    return aheadFrom(slot.layout, ranges, ranges.length / 2, revision);
  }

  /** Every entry older than ours in `slot`'s queue, read on `member`: what a semaphore counts. */
  async entriesAhead(slot: QueueSlot, member: EtcdMember): Promise<IKeyValue[]> {
    const { ranges } = await this.readGuarded(member, [
      slot.layout.entriesBefore(this.fencingToken),
    ]);
    return ranges[0]!.kvs;
  }

  /** A transaction guarded on still holding every key (same names, same create revision). */
  ifHeld(client: Etcd3): ComparatorBuilder {
    const [first, ...rest] = this.slots;
    const token = this.fencingToken.toString();
    return rest.reduce(
      (txn, s) => txn.and(s.ownKey, 'Create', '==', token),
      client.if(first!.ownKey, 'Create', '==', token),
    );
  }

  /** Rewrites our keys' value, only while they are still ours (Go's `Election.Proclaim`). */
  async setValue(value: string): Promise<boolean> {
    const lease = this.session.leaseId;
    const res = await this.members.run((client) =>
      this.ifHeld(client)
        .then(...this.slots.map((s) => client.put(s.ownKey).value(value).lease(lease)))
        .commit(),
    );
    return res.succeeded;
  }

  /**
   * Deletes our own keys, unguarded, as Go's `Mutex.Unlock` does: a plain delete is etcd's
   * cheapest write (several keys go in one transaction). Unguarded is safe because a name
   * carries our lease and is reused only after a delete that answered on its first try: a
   * delete sent again may have a predecessor still in flight, applied late, so those names
   * are retired for the lease's life. A late delete then finds the incarnation it was sent
   * for, or nothing, as a guarded one would. Releases coming together go in one transaction.
   */
  async remove(): Promise<void> {
    const firstTry = !this.removing;
    this.removing = true;
    const keys = this.slots.map((s) => Buffer.from(s.ownKey));
    const queues = this.slots.map((s) => s.layout.queue);
    await this.requests.writes.send({ success: keys.map(deleteKey) }, queues);
    if (!firstTry) return;
    for (const s of this.slots) this.session.slots.free(s.layout.dir, s.slot);
  }

  /** Reads guarded on still holding every key: a key gone means the lease expired. */
  private async readGuarded(
    member: EtcdMember,
    reads: IRequestOp[],
  ): Promise<{ ranges: IRangeResponse[]; revision: bigint }> {
    const token = this.fencingToken.toString();
    const compare = this.slots.map((s) => createdAt(Buffer.from(s.ownKey), token));
    const res = await this.members.on(member, (client) =>
      client.kv.txn({ compare, success: reads }),
    );
    if (!res.succeeded) {
      throw new SessionExpiredError('own queue key vanished: the session lease expired');
    }
    const ranges = res.responses.map((r) => r.response_range);
    return { ranges, revision: BigInt(res.header.revision) };
  }

  /** An earlier enqueue of ours was applied although its reply was lost. */
  private async resumeEnqueued(ranges: IRangeResponse[]): Promise<boolean> {
    const kvs = ranges.map((r) => r.kvs[0]);
    if (kvs.some((kv) => !kv)) {
      throw new SessionExpiredError('own queue key vanished: the session lease expired');
    }
    this.revision = BigInt(kvs[0]!.create_revision);
    for (const slot of this.slots) slot.ahead = await this.readAhead(slot);
    return this.slots.every((s) => s.ahead === 'clear');
  }
}
