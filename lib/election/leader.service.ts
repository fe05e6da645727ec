import { Inject, Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { captureCallSite } from '../lock/call-site.js';
import { ETCD_LOCK_BACKEND } from '../etcd-lock.constants.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { CampaignOptions, LeaderInfo, Leadership } from './leadership.interface.js';
import type { HeldLock, LockBackend, QueueHead } from '../lock/lock-backend.interface.js';
import { PROCESS_OWNER } from '../lock/process-owner.js';
import { LockTracker } from '../events/lock-tracker.js';
import { LockRunner } from '../runner/lock-runner.js';
import { parseLockCall } from '../options/lock-call.parser.js';
import { assertLockKey } from '../options/lock-key.validators.js';
import { HeldLeadership } from './leadership.js';
import { LeadershipRegistry } from './leadership.registry.js';

/**
 * Leader election on the lock queue, in the key layout of Go's `concurrency.Election`: the
 * oldest key under `<prefix><name>/` leads and its value is the proposal, so `etcdctl elect`
 * and Go services take part in the same election. Elections and locks share the prefix, so an
 * election and a lock of the same name exclude each other.
 */
@Injectable()
export class LeaderService {
  // Injected as properties: the constructor (and the published types) shows no internal piece.
  @Inject(ETCD_LOCK_BACKEND) private readonly backend!: LockBackend;
  @Inject(LockRunner) private readonly runner!: LockRunner;
  @Inject(LockTracker) private readonly tracker!: LockTracker;
  @Inject(LeadershipRegistry) private readonly leaderships!: LeadershipRegistry;

  /**
   * Waits until this process leads `name` (by default for as long as it takes: `waitTimeout`
   * is `Infinity` unless given). Rejects with `LockTimeoutError` on `waitTimeout` or `signal`.
   */
  async campaign(name: string, options?: CampaignOptions): Promise<Leadership> {
    const parsed = parseLockCall(options, 'campaign');
    const leading = this.leaderships.get(assertLockKey(name, 'election name'));
    if (leading?.isLeader) {
      // Already the leader (Go's Campaign does the same): the same term, the new proposal.
      if (parsed.value !== undefined && parsed.value !== leading.value) {
        await leading.proclaim(parsed.value);
      }
      return leading;
    }
    const value = parsed.value ?? PROCESS_OWNER;
    const timing = { waitTimeout: Infinity, ...parsed.timing };
    const call = { ...parsed, timing, value };
    const site = captureCallSite(this.campaign);
    const entry = await this.runner.take([assertLockKey(name, 'election name')], call, site);
    if (entry === null || entry.reentrant) {
      // Only a withLock of the same name in this async context can hand out a nested entry.
      await entry?.release();
      throw new InvalidLockArgumentError({
        argument: 'election name',
        problem: `"${name}" is held as a lock by this async context: an election needs its own name`,
      });
    }
    const held = entry as HeldLock;
    const leadership: HeldLeadership = new HeldLeadership(held, value, () => {
      if (!this.leaderships.end(name, leadership)) return;
      const error = held.lostError();
      const term = held.fencingToken;
      if (error) this.tracker.emit('leader.lost', { key: name, term, error });
      else this.tracker.emit('leader.resigned', { key: name, term });
    });
    this.leaderships.set(name, leadership);
    this.tracker.emit('leader.elected', { key: name, term: held.fencingToken });
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

  /** The elections this process leads now. */
  leading(): string[] {
    return this.leaderships.names();
  }

  /** Whether this process leads `name` now (a local view: only fenced writes are proof). */
  isLeader(name: string): boolean {
    return this.leaderships.get(assertLockKey(name, 'election name'))?.isLeader ?? false;
  }
}

function toLeader(head: QueueHead | undefined): LeaderInfo | undefined {
  return head && { value: head.value, term: head.token };
}
