import { Inject, Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { captureCallSite } from '../context/call-site.js';
import { ETCD_LOCK_BACKEND } from '../etcd-lock.constants.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type {
  CampaignOptions,
  LeaderInfo,
  Leadership,
} from '../interfaces/leadership.interface.js';
import type { HeldLock, LockBackend, QueueHead } from '../lock/lock-backend.interface.js';
import { PROCESS_OWNER } from '../lock/process-owner.js';
import { LockService, TAKE_ENTRY } from '../lock.service.js';
import { parseLockCall } from '../options/lock-call.parser.js';
import { assertLockKey } from '../options/option-validators.js';
import { HeldLeadership } from './leadership.js';

/**
 * Leader election on the lock queue, in the key layout of Go's `concurrency.Election`: the
 * oldest key under `<prefix><name>/` leads and its value is the proposal, so `etcdctl elect`
 * and Go services take part in the same election. Elections and locks share the prefix, so an
 * election and a lock of the same name exclude each other.
 */
@Injectable()
export class LeaderService {
  /** This process's current leaderships, by election name. */
  private readonly leading = new Map<string, HeldLeadership>();

  constructor(
    private readonly locks: LockService,
    @Inject(ETCD_LOCK_BACKEND) private readonly backend: LockBackend,
  ) {}

  /**
   * Waits until this process leads `name` (by default for as long as it takes: `waitTimeout`
   * is `Infinity` unless given). Rejects with `LockTimeoutError` on `waitTimeout` or `signal`.
   */
  async campaign(name: string, options?: CampaignOptions): Promise<Leadership> {
    const parsed = parseLockCall(options, 'campaign');
    const value = parsed.value ?? PROCESS_OWNER;
    const timing = { waitTimeout: Infinity, ...parsed.timing };
    const call = { ...parsed, timing, value };
    const site = captureCallSite(this.campaign);
    const entry = await this.locks[TAKE_ENTRY](assertLockKey(name, 'election name'), call, site);
    if (entry === null || entry.reentrant) {
      // Only a withLock of the same name in this async context can hand out a nested entry.
      await entry?.release();
      throw new InvalidLockArgumentError(
        'election name',
        `"${name}" is held as a lock by this async context: an election needs its own name`,
      );
    }
    const leadership: HeldLeadership = new HeldLeadership(entry as HeldLock, value, () => {
      if (this.leading.get(name) === leadership) this.leading.delete(name);
    });
    this.leading.set(name, leadership);
    return leadership;
  }

  /** Who leads `name` now, whichever process or client: `undefined` if nobody does. */
  async leader(name: string): Promise<LeaderInfo | undefined> {
    return toLeader(await this.backend.head(assertLockKey(name, 'election name')));
  }

  /** The leader now, then on every change (new leader, new proposal, nobody), until unsubscribed. */
  observe(name: string): Observable<LeaderInfo | undefined> {
    return this.backend.watchHead(assertLockKey(name, 'election name')).pipe(map(toLeader));
  }

  /** Whether this process leads `name` now (a local view: only fenced writes are proof). */
  isLeader(name: string): boolean {
    return this.leading.get(assertLockKey(name, 'election name'))?.isLeader ?? false;
  }
}

function toLeader(head: QueueHead | undefined): LeaderInfo | undefined {
  return head && { value: head.value, term: head.token };
}
