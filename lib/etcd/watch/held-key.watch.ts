import { FORCE_RELEASED } from '../../lock/process-owner.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { getKey } from '../cluster/kv-requests.js';
import type { PrefixDeletes } from './prefix-deletes.watch.js';
import type { KeyDeleted } from './recent-deletes.js';

/** A held lock as the watch sees it. */
export interface WatchedKey {
  readonly etcdKeys: readonly string[];
  readonly fencingToken: bigint;
  markLost(reason: string): void;
}

/**
 * Tells a holder when its key is deleted by anyone but itself: an operator's `etcdctl del`, a
 * clean-up script, a force-release, or the server revoking the lease. The lease alone cannot
 * tell: it may be alive while the key is gone. The backend's one watch over the prefix's
 * deletes serves every held lock.
 */
export class HeldKeyWatch {
  /** One holder per key: a key name carries its lease and slot, and a slot has one user. */
  private readonly held = new Map<string, WatchedKey>();
  private following: (() => void) | undefined;

  constructor(
    private readonly members: EtcdMembers,
    private readonly deletes: PrefixDeletes,
  ) {}

  add(lock: WatchedKey): void {
    for (const key of lock.etcdKeys) this.held.set(key, lock);
    this.deletes.ensure();
    this.following ??= this.deletes.listen({
      deleted: (event) => this.deleted(event),
      // The deletes missed are not known; each lock's lease and fenced writes still guard it.
      interrupted: () => undefined,
    });
    // A delete of our keys that reached the watch between the acquisition and now.
    for (const key of lock.etcdKeys) {
      const missed = this.deletes.latestOf(key, lock.fencingToken);
      if (missed === undefined) return void this.readOwnKeys(lock);
      if (missed) this.deleted(missed);
    }
  }

  remove(lock: WatchedKey): void {
    for (const key of lock.etcdKeys) if (this.held.get(key) === lock) this.held.delete(key);
  }

  close(): void {
    this.following?.();
    this.following = undefined;
  }

  /**
   * The watch cannot vouch for the deletes since the lock's revision (it started later, or many
   * went by meanwhile): once it covers from some revision on, a read closes the gap before it.
   */
  private async readOwnKeys(lock: WatchedKey): Promise<void> {
    await this.deletes.covering();
    const keys = lock.etcdKeys.map((key) => Buffer.from(key));
    const read = await this.members
      .run((client) => client.kv.txn({ success: keys.map(getKey) }))
      .catch(() => undefined); // unreachable: the lease's own deadline still guards the lock
    const gone = read?.responses.findIndex(
      (r) => r.response_range.kvs[0]?.create_revision !== lock.fencingToken.toString(),
    );
    if (read && gone !== undefined && gone >= 0 && this.held.get(lock.etcdKeys[gone]!) === lock) {
      lock.markLost(`its key was deleted while it was being handed out`);
    }
  }

  private deleted({ key, revision, previous }: KeyDeleted): void {
    const lock = this.held.get(key);
    if (!lock || lock.fencingToken >= revision) return;
    if (previous?.startsWith(FORCE_RELEASED)) {
      lock.markLost(`released by an operator: ${previous.slice(FORCE_RELEASED.length)}`);
      return;
    }
    lock.markLost(
      `its key was deleted at revision ${revision} while held (by another client, ` +
        'an operator, or the server revoking its lease)',
    );
  }
}
