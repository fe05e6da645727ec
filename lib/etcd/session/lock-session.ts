import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { KeySlots } from './key-slots.js';
import { keepAliveOnce } from './lease-keepalive.js';
import type { LateRenewal } from '../../lock/lock-backend.interface.js';

/** What the session tells when its lease can no longer be trusted. */
export interface LeaseHolder {
  readonly key: string;
  markLost(reason: string, cause?: unknown): void;
}

/** Told of each renewal sent or answered late: the first sign of a blocked event loop. */
export type LateRenewalListener = (late: LateRenewal) => void;

/**
 * One etcd lease per TTL, renewed by us and shared by every lock this process takes with that
 * TTL. Its `signal` aborts the moment the lease can no longer be trusted.
 *
 * The deadline runs on a monotonic clock from the moment each renewal was *sent*, so it is
 * never later than the server's own expiry. Renewals go every TTL/3 to the current member,
 * each with a deadline on its answer; a member that does not answer is skipped and the renewal
 * goes at once to the next one, so a silent member costs one deadline, never the lease.
 */
export class LockSession {
  readonly leaseHex: string;
  /** Key names in use on this lease, per queue prefix. */
  readonly slots = new KeySlots();
  private readonly holders = new Set<LeaseHolder>();
  private readonly controller = new AbortController();
  private deadline: number;
  private timer: NodeJS.Timeout | undefined;
  private renewal: NodeJS.Timeout | undefined;
  /** When the scheduled renewal should go (performance clock). */
  private renewalDue = 0;

  private constructor(
    private readonly members: EtcdMembers,
    readonly leaseId: string,
    readonly ttl: number,
    grantRequestedAt: number,
    /** How long one renewal waits for its answer before trying the next member. */
    private readonly answerTimeout: number,
    private readonly onLate: LateRenewalListener,
  ) {
    this.leaseHex = BigInt(leaseId).toString(16);
    setMaxListeners(0, this.controller.signal); // one listener per waiter in this process
    this.deadline = grantRequestedAt + ttl * 1000;
    this.armDeadline();
    this.scheduleRenewal();
  }

  static async open(
    members: EtcdMembers,
    ttl: number,
    answerTimeout: number,
    onLate: LateRenewalListener,
  ) {
    const requestedAt = performance.now();
    const { ID } = await members.run((client) =>
      client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 }),
    );
    return new LockSession(members, ID, ttl, requestedAt, answerTimeout, onLate);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True while the lease is certainly alive on the server. */
  get alive(): boolean {
    return !this.controller.signal.aborted && performance.now() < this.deadline;
  }

  /** Until the lease expires unless renewed; 0 once it can no longer be trusted. */
  get remainingMs(): number {
    return this.alive ? Math.max(0, this.deadline - performance.now()) : 0;
  }

  hold(lock: LeaseHolder): void {
    if (this.controller.signal.aborted) lost(lock, this.controller.signal.reason as Error);
    else this.holders.add(lock);
  }

  unhold(lock: LeaseHolder): void {
    this.holders.delete(lock);
  }

  /** Declares the lease lost and lets it go; keys on it vanish at the latest when it expires. */
  expire(reason: string, cause?: unknown): void {
    if (this.end(new Error(reason, { cause }))) void this.revoke();
  }

  /**
   * Shutdown with work still running under the lease: stop renewing and tell the holders, but
   * do not revoke. The keys stay until the lease runs out, so nobody else gets in beside work
   * that is still running here (the process usually exits long before).
   */
  abandon(reason: string): void {
    this.end(new Error(`${reason}: work still ran, so the lease is left to run out`));
  }

  /** Graceful end: revoking deletes every key on the lease, so waiters elsewhere move on at once. */
  async close(reason: string): Promise<void> {
    this.end(new Error(reason));
    await this.revoke();
  }

  private revoke(): Promise<unknown> {
    const ID = this.leaseId;
    return this.members.run((client) => client.leaseClient.leaseRevoke({ ID })).catch(() => 0);
  }

  private end(reason: Error): boolean {
    if (this.controller.signal.aborted) return false;
    this.controller.abort(reason);
    clearTimeout(this.timer);
    clearTimeout(this.renewal);
    for (const lock of this.holders) lost(lock, reason);
    this.holders.clear();
    return true;
  }

  /**
   * A short TTL leaves room for few attempts between the scheduled renewal and the deadline:
   * each attempt gets at most a sixth of the TTL, so at least three fit in what is left.
   */
  private get attemptTimeout(): number {
    return Math.min(this.answerTimeout, (this.ttl * 1000) / 6);
  }

  private scheduleRenewal(): void {
    const every = (this.ttl * 1000) / 3;
    this.renewalDue = performance.now() + every;
    this.renewal = setTimeout(() => void this.renew(), every);
    this.renewal.unref();
  }

  /**
   * Says so when a renewal goes more than TTL/6 after it was due (the event loop was blocked:
   * a CPU-bound handler, a long GC), or its answer takes more than half an attempt's deadline.
   * Both come before any loss, while the lease still has time left.
   */
  private reportIfLate(phase: 'sent' | 'answered', lateMs: number, limitMs: number): void {
    if (lateMs <= limitMs || this.holders.size === 0) return;
    const keys = [...this.holders].map((holder) => holder.key);
    const { leaseHex, ttl, remainingMs } = this;
    this.onLate({ leaseHex, ttl, phase, lateMs, remainingMs, keys });
  }

  /** Tries member after member until one answers or the lease can no longer be trusted. */
  private async renew(): Promise<void> {
    this.reportIfLate('sent', performance.now() - this.renewalDue, (this.ttl * 1000) / 6);
    while (this.alive) {
      const member = this.members.current();
      const sentAt = performance.now();
      try {
        const { TTL } = await keepAliveOnce(member.client, this.leaseId, this.attemptTimeout);
        this.reportIfLate('answered', performance.now() - sentAt, this.attemptTimeout / 2);
        if (Number(TTL) <= 0) return this.expire('etcd reports the lease as expired or revoked');
        this.deadline = Math.max(this.deadline, sentAt + Number(TTL) * 1000);
        return this.scheduleRenewal();
      } catch (error) {
        this.members.failed(member, error);
        // A refusal comes back at once: do not spin on a cluster that refuses everything.
        const spent = performance.now() - sentAt;
        if (spent < 100) await sleep(100 - spent);
      }
    }
  }

  private armDeadline(): void {
    const wait = Math.max(0, this.deadline - performance.now());
    this.timer = setTimeout(() => this.checkDeadline(), wait + 1);
    this.timer.unref();
  }

  private checkDeadline(): void {
    if (this.controller.signal.aborted) return;
    if (performance.now() >= this.deadline) {
      this.expire(`lease was not renewed within its ${this.ttl} s TTL`);
    } else {
      this.armDeadline();
    }
  }
}

function lost(holder: LeaseHolder, reason: Error): void {
  holder.markLost(reason.message, reason);
}
