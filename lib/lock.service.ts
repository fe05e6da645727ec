import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import { captureCallSite } from './lock/call-site.js';
import { LockContext } from './runner/lock-context.js';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS } from './etcd-lock.constants.js';
import { LockTracker } from './events/lock-tracker.js';
import type { ResolvedLockSettings } from './interfaces/etcd-lock-module-options.interface.js';
import type { Lock } from './interfaces/lock.interface.js';
import type { LockEvent } from './interfaces/lock-event.interface.js';
import type { AcquireOptions, WithLockCallOptions } from './interfaces/lock-options.interface.js';
import type { LockStats } from './interfaces/lock-stats.interface.js';
import type {
  ForceReleaseOptions,
  ListLocksOptions,
  LockEntry,
  LockInfo,
} from './interfaces/lock-entry.interface.js';
import { LockInspector } from './inspect/lock-inspector.js';
import type { LockBackend } from './lock/lock-backend.interface.js';
import { SHUTTING_DOWN } from './errors/shutting-down.message.js';
import { LockRunner } from './runner/lock-runner.js';
import { parseLockCall } from './options/lock-call.parser.js';
import { assertLockKey, assertLockKeys } from './options/lock-key.validators.js';
import { startLockTelemetry } from './telemetry/lock-telemetry.js';

/**
 * Distributed locks on etcd: take one and run under it (`withLock`), hold one across calls
 * (`acquire`), or look at and clear the queues of every replica (`list`, `forceRelease`). One
 * per application, from `EtcdLockModule`; `@WithLock` runs on the same machinery.
 */
@Injectable()
export class LockService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  // Injected as properties, so that the constructor (and the published types) shows none of
  // the internal pieces; both modules provide them (etcd-lock.providers.ts).
  @Inject(ETCD_LOCK_SETTINGS) private readonly settings!: ResolvedLockSettings;
  @Inject(ETCD_LOCK_BACKEND) private readonly backend!: LockBackend;
  @Inject(LockTracker) private readonly tracker!: LockTracker;
  @Inject(LockContext) private readonly context!: LockContext;
  @Inject(LockRunner) private readonly runner!: LockRunner;
  @Inject(LockInspector) private readonly inspector!: LockInspector;
  private telemetry: Subscription | undefined;
  private readonly logger = new Logger('EtcdLock');

  /** Every acquisition, wait, release and loss in this process, as it happens. */
  get events$(): Observable<LockEvent> {
    return this.tracker.events$;
  }

  /** Starts the OpenTelemetry metrics and spans, unless `telemetry: false`. */
  async onModuleInit(): Promise<void> {
    if (this.settings.telemetry) this.telemetry = await startLockTelemetry(this.events$);
  }

  /**
   * Waits in line for the lock. Rejects with `LockTimeoutError` after `waitTimeout` or on
   * `signal`. Several names are taken together, all or none, in any order without deadlock.
   */
  async acquire(key: string | readonly string[], options?: AcquireOptions): Promise<Lock> {
    const call = parseLockCall(options, 'acquire');
    const lock = await this.runner.take(assertLockKeys(key), call, captureCallSite(this.acquire));
    return lock!;
  }

  /** Takes the lock if it is free right now; `null` if someone else holds it. Never waits. */
  async tryAcquire(
    key: string | readonly string[],
    options?: AcquireOptions,
  ): Promise<Lock | null> {
    const call = parseLockCall(options, 'tryAcquire');
    return this.runner.take(assertLockKeys(key), call, captureCallSite(this.tryAcquire));
  }

  /** Runs `fn` holding the lock and always releases it. Errors from `fn` pass through untouched. */
  async withLock<T>(
    key: string | readonly string[],
    fn: (lock: Lock) => T | Promise<T>,
    options?: WithLockCallOptions,
  ): Promise<T> {
    const call = parseLockCall(options, 'withLock');
    const site = captureCallSite(this.withLock);
    // Returned, not awaited: a suspended frame here costs each of 10,000 waiters heap.
    return this.runner.runLocked(assertLockKeys(key), fn, call, site) as Promise<T>;
  }

  /** The lock held in the calling async context: for `key`, or the innermost one. */
  current(key?: string): Lock | undefined {
    if (key !== undefined) assertLockKey(key);
    return this.context.current(key);
  }

  /**
   * Who holds `name` and who waits for it, oldest first, whichever process or client (etcdctl,
   * Go) queued them. A snapshot: it may be out of date by the time it returns.
   */
  inspect(name: string): Promise<LockInfo> {
    return this.inspector.inspect(name);
  }

  /** Every lock name that has entries now (only those starting with `prefix`, if given). */
  list(options?: ListLocksOptions): Promise<LockInfo[]> {
    return this.inspector.list(options);
  }

  /**
   * `list()` now, then again after changes of any entry, read fresh each time: for
   * dashboards. Changes come from an etcd watch, not polling; a member that goes silent is
   * left for the next one. Reads are at least 500 ms apart; the last change is always read.
   */
  watch(options?: ListLocksOptions): Observable<LockInfo[]> {
    return this.inspector.watch(options);
  }

  /**
   * Deletes the keys of `name`'s current holders, wherever they run, and resolves with them.
   * Each holder's `signal` aborts with `LockLostError` (released by an operator: `reason`),
   * the next waiter gets in, and `events$` carries `lock.force-released`. For a lock stuck
   * behind a hung holder: fence the resource, or the old holder may still write.
   */
  forceRelease(name: string, options: ForceReleaseOptions): Promise<LockEntry[]> {
    return this.inspector.forceRelease(name, options);
  }

  /** How many locks this process holds and how many callers wait, its leases and batches. */
  stats(): LockStats {
    const { heldCount: held, waiting } = this.tracker;
    const batches = this.backend.batches?.();
    return { held, waiting, sessions: this.backend.sessions(), ...(batches && { batches }) };
  }

  /**
   * Resolves if etcd can serve locks now: reachable, with valid credentials and the right to
   * read and write under the prefix. Rejects with `EtcdRequestError` (member, cause, hint).
   */
  ping(): Promise<void> {
    return this.backend.ping();
  }

  /**
   * Stops new acquisitions and lets running `withLock`/`@WithLock` bodies finish, up to
   * `shutdownTimeout`. Locks from `acquire()` are their caller's to release: shutdown does not
   * wait for them, and names each one left with where it was acquired.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.runner.stop();
    const leftOver = await this.runner.drain(this.settings.shutdownTimeout);
    if (this.settings.log === 'none') return;
    for (const line of leftOver) this.logger.warn(`${line}.`);
  }

  /**
   * Revokes the leases, except those under work that still runs past `shutdownTimeout`: their
   * locks are told they are lost and their keys stay until the lease runs out, so no other
   * replica starts the same work beside the body still running here.
   */
  async onApplicationShutdown(): Promise<void> {
    this.runner.stop();
    await this.backend.close(SHUTTING_DOWN, this.runner.stillRunning());
    this.telemetry?.unsubscribe();
    this.tracker.complete();
  }
}
