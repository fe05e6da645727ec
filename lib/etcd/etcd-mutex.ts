import type { ComparatorBuilder, Etcd3 } from 'etcd3';
import { PROCESS_OWNER } from '../lock/process-owner.js';
import type { EtcdMembers } from './etcd-members.js';
import type { LockSession } from './lock-session.js';
import { isLeaseGone, SessionExpiredError } from './session-expired.error.js';
import { type Predecessor, predecessorOf } from './queue-predecessor.js';
import { waitForDelete } from './wait-for-delete.js';

/**
 * etcd's concurrency recipe (Go `concurrency.Mutex`), one key per concurrent acquisition:
 * `<prefix><name>/<leaseHex>_<slot>` on the session lease (lowest free slot). Waiters queue by
 * create revision and each watches only its predecessor: FIFO without a thundering herd. The
 * layout matches `etcdctl lock <prefix><name>`, so Go/CLI holders and ours exclude each other.
 */
export class EtcdMutex {
  readonly ownKey: string;
  private revision: bigint | undefined;
  private readonly slot: number;
  private predecessor: Predecessor | undefined;

  constructor(
    private readonly members: EtcdMembers,
    readonly queuePrefix: string,
    readonly session: LockSession,
    /** The key's value: the holder by default, or an election's proposal. */
    private readonly value: string = PROCESS_OWNER,
  ) {
    this.slot = session.slots.claim(queuePrefix);
    this.ownKey = `${queuePrefix}${session.leaseHex}_${this.slot}`;
  }

  /** The create revision of our key: the fencing token. */
  get fencingToken(): bigint {
    if (this.revision === undefined) throw new Error('mutex has not been enqueued');
    return this.revision;
  }

  /**
   * One transaction: read the queue's tail and head, then create our key if it is absent.
   * Idempotent, so a retry after a lost reply finds its own key instead of queueing twice.
   * Returns true when we are at the head, i.e. hold the lock.
   */
  async enqueue(): Promise<boolean> {
    const res = await this.members.run((client) =>
      client
        .if(this.ownKey, 'Create', '==', 0)
        .then(
          this.end(client, 'Descend'),
          this.end(client, 'Ascend'),
          client.put(this.ownKey).value(this.value).lease(this.session.leaseId),
        )
        .else(client.get(this.ownKey), this.end(client, 'Ascend'))
        .commit()
        .catch((error: unknown) => {
          if (!isLeaseGone(error)) throw error;
          // Revoked before our renewal could tell: start over on a new lease.
          this.session.expire('etcd reports the lease as expired or revoked', error);
          throw new SessionExpiredError('the session lease is gone', { cause: error });
        }),
    );
    const [first, second] = res.responses.map((r) => r.response_range?.kvs[0]);
    if (!res.succeeded) {
      this.revision = BigInt(first!.create_revision);
      return BigInt(second!.create_revision) === this.revision;
    }
    this.revision = BigInt(res.header.revision);
    if (!first) return true;
    this.predecessor = predecessorOf(first, second!);
    return false;
  }

  /**
   * Waits until no key older than ours remains. A read confirms that our own key still exists
   * and finds the predecessor; the read is skipped when the predecessor was the head, because
   * no key older than ours can appear later.
   */
  async waitForTurn(
    signal: AbortSignal,
    read: <T>(step: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    let watchFailures = 0;
    for (;;) {
      signal.throwIfAborted();
      const predecessor = this.predecessor ?? (await read(() => this.readQueue()));
      this.predecessor = undefined;
      if (!predecessor) return;
      let certain: boolean;
      try {
        certain = await waitForDelete(
          this.members,
          predecessor.key,
          predecessor.createRevision,
          signal,
        );
        watchFailures = 0;
      } catch (error) {
        // A failed watch is answered by reading the queue again.
        if (signal.aborted || ++watchFailures > 3) throw error;
        continue;
      }
      if (certain && predecessor.isHead) {
        if (!this.session.alive) {
          throw new SessionExpiredError('session lease expired while waiting');
        }
        return;
      }
    }
  }

  /** A transaction guarded on still holding the lock (same key, same create revision). */
  ifHeld(client: Etcd3): ComparatorBuilder {
    return client.if(this.ownKey, 'Create', '==', this.fencingToken.toString());
  }

  /** Rewrites our key's value, only while it is still ours (Go's `Election.Proclaim`). */
  async setValue(value: string): Promise<boolean> {
    const res = await this.members.run((client) =>
      this.ifHeld(client)
        .then(client.put(this.ownKey).value(value).lease(this.session.leaseId))
        .commit(),
    );
    return res.succeeded;
  }

  /** Deletes only our own key, and only the incarnation we created; then frees its name. */
  async remove(): Promise<void> {
    await this.members.run(async (client) => {
      // Without an enqueue reply, no one else uses this key name while its slot is claimed.
      if (this.revision === undefined) await client.delete().key(this.ownKey).exec();
      else await this.ifHeld(client).then(client.delete().key(this.ownKey)).commit();
    });
    this.session.slots.free(this.queuePrefix, this.slot);
  }

  /** Read-only: our key must still exist with our revision; then the key ahead and the head. */
  private async readQueue(): Promise<Predecessor | undefined> {
    const res = await this.members.run((client) => {
      const upToUs = client
        .getAll()
        .prefix(this.queuePrefix)
        .maxCreateRevision(this.fencingToken.toString());
      return this.ifHeld(client)
        .then(upToUs.sort('Create', 'Descend').limit(2), this.end(client, 'Ascend'))
        .commit();
    });
    if (!res.succeeded)
      throw new SessionExpiredError('own queue key vanished: the session lease expired');
    const [, ahead] = res.responses[0]!.response_range.kvs;
    if (!ahead) return undefined;
    const head = res.responses[1]!.response_range.kvs[0]!;
    return predecessorOf(ahead, head);
  }

  private end(client: Etcd3, order: 'Ascend' | 'Descend') {
    return client.getAll().prefix(this.queuePrefix).sort('Create', order).limit(1);
  }
}
