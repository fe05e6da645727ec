import { hostname } from 'node:os';
import type { ComparatorBuilder, Etcd3 } from 'etcd3';
import type { LockSession } from '../session/lock-session.js';
import { waitForDelete } from './wait-for-delete.js';

/** Raised when our own queue key disappeared: the session lease died under us. */
export class SessionExpiredError extends Error {}

const OWNER = `${hostname()}/${process.pid}`;

/**
 * etcd's concurrency recipe (Go `concurrency.Mutex`), one key per concurrent acquisition:
 * `<prefix><name>/<leaseHex>_<slot>` on the session lease, the slot being the lowest one free. Waiters queue by create revision and
 * each watches only its predecessor, which gives FIFO without a thundering herd. The layout
 * matches `etcdctl lock <prefix><name>`, so Go/CLI holders and ours exclude each other.
 */
export class EtcdMutex {
  readonly ownKey: string;
  private revision: bigint | undefined;
  private readonly slot: number;

  constructor(
    private readonly client: Etcd3,
    readonly queuePrefix: string,
    readonly session: LockSession,
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
   * One transaction: create our key if it is absent and read the head of the queue.
   * Idempotent, so a retry after a lost reply finds its own key instead of queueing twice.
   * Returns true when we are at the head, i.e. hold the lock.
   */
  async enqueue(): Promise<boolean> {
    const head = () =>
      this.client.getAll().prefix(this.queuePrefix).sort('Create', 'Ascend').limit(1);
    const res = await this.client
      .if(this.ownKey, 'Create', '==', 0)
      .then(this.client.put(this.ownKey).value(OWNER).lease(this.session.leaseId), head())
      .else(this.client.get(this.ownKey), head())
      .commit();
    const own = res.succeeded ? undefined : res.responses[0].response_range.kvs[0];
    this.revision = BigInt(own ? own.create_revision : res.header.revision);
    const first = res.responses[1].response_range.kvs[0];
    return first !== undefined && BigInt(first.create_revision) === this.revision;
  }

  /**
   * Waits until no key older than ours remains. Each round reads our own key and our
   * predecessor in one range, so ownership is confirmed by the same read that ends the wait.
   */
  async waitForTurn(
    signal: AbortSignal,
    read: <T>(step: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    let watchFailures = 0;
    for (;;) {
      signal.throwIfAborted();
      const res = await read(() =>
        this.client
          .getAll()
          .prefix(this.queuePrefix)
          .maxCreateRevision(this.fencingToken.toString())
          .sort('Create', 'Descend')
          .limit(2)
          .exec(),
      );
      const [own, predecessor] = res.kvs;
      if (!own || BigInt(own.create_revision) !== this.revision) {
        throw new SessionExpiredError('own queue key vanished: the session lease expired');
      }
      if (!predecessor) return;
      try {
        await waitForDelete(this.client, predecessor.key, BigInt(res.header.revision) + 1n, signal);
        watchFailures = 0;
      } catch (error) {
        // A failed watch (e.g. compacted start revision) is answered by reading the queue again.
        if (signal.aborted || ++watchFailures > 3) throw error;
      }
    }
  }

  /** A transaction guarded on still holding the lock (same key, same create revision). */
  ifHeld(): ComparatorBuilder {
    return this.client.if(this.ownKey, 'Create', '==', this.fencingToken.toString());
  }

  /** Deletes only our own key, and only the incarnation we created; then frees its name. */
  async remove(): Promise<void> {
    if (this.revision === undefined) {
      // The enqueue reply never came; no one else uses this key name while its slot is claimed.
      await this.client.delete().key(this.ownKey).exec();
    } else {
      await this.ifHeld().then(this.client.delete().key(this.ownKey)).commit();
    }
    this.session.slots.free(this.queuePrefix, this.slot);
  }
}
