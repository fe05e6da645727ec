import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Etcd3, Lease } from 'etcd3';
import { KeySlots } from './key-slots.js';

/** What the session tells when its lease can no longer be trusted. */
export interface LeaseHolder {
  markLost(reason: string, cause?: unknown): void;
}

/**
 * One etcd lease per TTL, kept alive in the background and shared by every lock this process
 * takes with that TTL. Its `signal` aborts the moment the lease can no longer be trusted.
 *
 * The deadline runs on a monotonic clock from the moment each renewal was *sent*, so it is
 * never later than the server's own expiry (etcd3's own `lost` event waits 2 x TTL).
 */
export class LockSession {
  readonly leaseHex: string;
  /** Key names in use on this lease, per queue prefix. */
  readonly slots = new KeySlots();
  private readonly holders = new Set<LeaseHolder>();
  private readonly controller = new AbortController();
  private deadline: number;
  private sentKeepalives: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly lease: Lease,
    readonly leaseId: string,
    readonly ttl: number,
    grantRequestedAt: number,
  ) {
    this.leaseHex = BigInt(leaseId).toString(16);
    setMaxListeners(0, this.controller.signal); // one listener per waiter in this process
    this.deadline = grantRequestedAt + ttl * 1000;
    lease.on('keepaliveFired', () => this.sentKeepalives.push(performance.now()));
    lease.on('keepaliveSucceeded', (res) => this.renewed(Number(res.TTL)));
    lease.on('keepaliveFailed', () => (this.sentKeepalives = []));
    lease.on('lost', (error) => this.expire('etcd reports the lease as expired or revoked', error));
    this.armDeadline();
  }

  static async open(client: Etcd3, ttl: number): Promise<LockSession> {
    const requestedAt = performance.now();
    const lease = client.lease(ttl);
    // etcd3 emits 'lost' for a failed grant as well; grant() rejects with the same error.
    lease.on('lost', () => undefined);
    const leaseId = await lease.grant();
    return new LockSession(lease, leaseId, ttl, requestedAt);
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
    if (this.end(new Error(reason, { cause }))) this.lease.revoke().catch(() => undefined);
  }

  /** Graceful end: revoking deletes every key on the lease, so waiters elsewhere move on at once. */
  async close(reason: string): Promise<void> {
    this.end(new Error(reason));
    await this.lease.revoke().catch(() => undefined);
  }

  private end(reason: Error): boolean {
    if (this.controller.signal.aborted) return false;
    this.controller.abort(reason);
    clearTimeout(this.timer);
    for (const lock of this.holders) lost(lock, reason);
    this.holders.clear();
    return true;
  }

  private renewed(ttlSeconds: number): void {
    const sentAt = this.sentKeepalives.shift() ?? performance.now();
    if (ttlSeconds <= 0) return; // etcd3 turns TTL 0 into 'lost'
    this.deadline = Math.max(this.deadline, sentAt + ttlSeconds * 1000);
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
