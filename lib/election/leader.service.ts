import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { captureCallSite } from '../lock/call-site.js';
import { ETCD_LOCK_BACKEND } from '../etcd-lock.constants.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type {
  CampaignOptions,
  LeaderInfo,
  Leadership,
} from '../interfaces/leadership.interface.js';
import type { HeldLock, LockBackend, QueueHead } from '../lock/lock-backend.interface.js';
import { PROCESS_OWNER } from '../lock/process-owner.js';
import { EMIT_EVENT, LockService, RUN_HELD, TAKE_ENTRY } from '../lock.service.js';
import { parseLockCall } from '../options/lock-call.parser.js';
import { assertLockKey } from '../options/option-validators.js';
import { HeldLeadership } from './leadership.js';
import { StandingCampaign } from './standing-campaign.js';

/** Runs a method only while this process leads the election, for `@OnlyLeader`. @internal */
export const RUN_AS_LEADER = Symbol('nestjs-etcd-lock:runAsLeader');

/**
 * Leader election on the lock queue, in the key layout of Go's `concurrency.Election`: the
 * oldest key under `<prefix><name>/` leads and its value is the proposal, so `etcdctl elect`
 * and Go services take part in the same election. Elections and locks share the prefix, so an
 * election and a lock of the same name exclude each other.
 */
@Injectable()
export class LeaderService implements OnModuleDestroy {
  /** This process's current leaderships, by election name. */
  private readonly leadingNow = new Map<string, HeldLeadership>();
  /** Elections campaigned for as long as the app runs (`@OnlyLeader`), by name. */
  private readonly standing = new Map<string, StandingCampaign>();
  /** Leader-only runs going now, by election name. */
  private readonly running = new Map<string, number>();
  /** Called when the last run of an election ends, while shutdown waits for it. */
  private readonly afterLastRun = new Map<string, () => void>();
  private closing = false;
  private readonly logger = new Logger('EtcdLock');

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
    const leading = this.leadingNow.get(assertLockKey(name, 'election name'));
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
    const entry = await this.locks[TAKE_ENTRY](assertLockKey(name, 'election name'), call, site);
    if (entry === null || entry.reentrant) {
      // Only a withLock of the same name in this async context can hand out a nested entry.
      await entry?.release();
      throw new InvalidLockArgumentError(
        'election name',
        `"${name}" is held as a lock by this async context: an election needs its own name`,
      );
    }
    const held = entry as HeldLock;
    const leadership: HeldLeadership = new HeldLeadership(held, value, () => {
      if (this.leadingNow.get(name) !== leadership) return;
      this.leadingNow.delete(name);
      const error = held.lostError();
      if (error)
        this.locks[EMIT_EVENT]({ type: 'leader.lost', key: name, term: held.fencingToken, error });
    });
    this.leadingNow.set(name, leadership);
    this.locks[EMIT_EVENT]({ type: 'leader.elected', key: name, term: held.fencingToken });
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

  /** Campaigns for `name` until the module is destroyed, again after every loss. @internal */
  stand(name: string): void {
    if (this.standing.has(name)) return;
    const campaign = (election: string, signal: AbortSignal) => this.campaign(election, { signal });
    this.standing.set(name, new StandingCampaign(name, campaign, this.logger));
  }

  /**
   * Runs `fn` if this process leads `name`, in the leadership's async context (so
   * `LockService.current(name)` gives its signal); `undefined` otherwise. A loss while `fn`
   * runs rejects at once with `LockLostError`. @internal
   */
  async [RUN_AS_LEADER]<T>(name: string, fn: () => T | Promise<T>): Promise<T | undefined> {
    const leadership = this.leadingNow.get(name);
    if (this.closing || !leadership?.isLeader) return undefined;
    this.running.set(name, (this.running.get(name) ?? 0) + 1);
    try {
      return await this.locks[RUN_HELD](leadership.entry, fn);
    } finally {
      const left = this.running.get(name)! - 1;
      if (left > 0) this.running.set(name, left);
      else this.running.delete(name);
      if (left === 0) this.afterLastRun.get(name)?.();
    }
  }

  /**
   * On shutdown no new leader-only run starts, and campaigns stop. An election with no run
   * going is resigned at once, so the next replica leads without waiting for a TTL. One whose
   * run still goes is resigned only when that run ends: resigning under it would let another
   * replica start the same job beside it (kubernetes #71490). If it outlasts
   * `shutdownTimeout`, the lease is left to run out rather than revoked (`LockService`).
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const standing = [...this.standing.entries()];
    this.standing.clear();
    await Promise.all(standing.map(([name, campaign]) => this.endWhenIdle(name, campaign)));
  }

  /** Shutdown (`LockService`) waits for the run up to `shutdownTimeout`, not this hook. */
  private async endWhenIdle(name: string, campaign: StandingCampaign): Promise<void> {
    await campaign.stop();
    if (!this.running.has(name)) return campaign.resign();
    this.logger.log(`"${name}": leader-only work still runs; resigning once it ends`);
    this.afterLastRun.set(name, () => void campaign.resign());
  }

  /** The elections this process leads now. */
  leading(): string[] {
    return [...this.leadingNow.keys()];
  }

  /** Whether this process leads `name` now (a local view: only fenced writes are proof). */
  isLeader(name: string): boolean {
    return this.leadingNow.get(assertLockKey(name, 'election name'))?.isLeader ?? false;
  }
}

function toLeader(head: QueueHead | undefined): LeaderInfo | undefined {
  return head && { value: head.value, term: head.token };
}
