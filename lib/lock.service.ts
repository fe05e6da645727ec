import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import type { HeldLock, LockBackend } from './backend/lock-backend.interface.js';
import { LockContext } from './context/lock-context.js';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_RESOLVED_OPTIONS } from './etcd-lock.constants.js';
import { InvalidLockArgumentError } from './errors/invalid-lock-argument.error.js';
import { LockAcquireError } from './errors/lock-acquire.error.js';
import { LockTimeoutError } from './errors/lock-timeout.error.js';
import type { LockEvent } from './events/lock-event.interface.js';
import { logLockEvents } from './events/lock-event.logger.js';
import { LockTracker } from './events/lock-tracker.js';
import type { ResolvedModuleOptions } from './interfaces/etcd-lock-module-options.interface.js';
import type { LockStats } from './interfaces/lock-stats.interface.js';
import type {
  AcquireOptions,
  OnLocked,
  WithLockCallOptions,
} from './interfaces/lock-options.interface.js';
import { ShutdownSignal } from './lock/acquire-within.js';
import { holdUntil } from './lock/hold-until.js';
import type { Lock } from './lock/lock.interface.js';
import { ReentrantLock } from './lock/reentrant-lock.js';
import {
  assertAcquireOptions,
  resolveTimingOptions,
} from './options/etcd-lock-options.defaults.js';
import { assertLockKey, assertSignal } from './options/lock-options.validation.js';
import { startLockTelemetry } from './telemetry/lock-telemetry.js';

@Injectable()
export class LockService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly context = new LockContext();
  private readonly tracker = new LockTracker();
  private readonly shutdown = new AbortController();
  private readonly subscriptions: (Subscription | undefined)[] = [];
  /** Every acquisition, wait, release and loss in this process, as it happens. */
  readonly events$: Observable<LockEvent> = this.tracker.events$;

  constructor(
    @Inject(ETCD_LOCK_RESOLVED_OPTIONS) private readonly options: ResolvedModuleOptions,
    @Inject(ETCD_LOCK_BACKEND) private readonly backend: LockBackend,
  ) {
    this.subscriptions.push(logLockEvents(this.events$, options.log));
  }

  async onModuleInit(): Promise<void> {
    if (this.options.telemetry) this.subscriptions.push(await startLockTelemetry(this.events$));
  }

  /** Waits in line for the lock. Rejects with `LockTimeoutError` after `waitTimeout` or on `signal`. */
  async acquire(key: string, options?: AcquireOptions): Promise<Lock> {
    const lock = await this.take(key, options, 'wait', 'acquire options');
    return lock!;
  }

  /** Takes the lock if it is free right now; `null` if someone else holds it. Never waits. */
  tryAcquire(key: string, options?: AcquireOptions): Promise<Lock | null> {
    return this.take(key, options, 'skip', 'tryAcquire options');
  }

  /** Runs `fn` holding the lock and always releases it. Errors from `fn` pass through untouched. */
  async withLock<T>(
    key: string,
    fn: (lock: Lock) => T | Promise<T>,
    options?: WithLockCallOptions,
  ): Promise<T> {
    return (await this.runLocked(key, fn, options, 'wait', 'withLock options')) as T;
  }

  /** The lock held in the calling async context: for `key`, or the innermost one. */
  current(key?: string): Lock | undefined {
    if (key !== undefined) assertLockKey(key);
    return this.context.current(key);
  }

  /** Held locks and queued callers in this process, and its leases. For health checks. */
  stats(): LockStats {
    const { heldCount: held, waiting } = this.tracker;
    return { held, waiting, sessions: this.backend.sessions() };
  }

  /** Resolves if etcd answers a request; rejects with the client's error otherwise. */
  ping(): Promise<void> {
    return this.backend.ping();
  }

  /**
   * `withLock` with an `onLocked` policy: `'skip'` resolves `undefined` without running `fn`.
   * If the lock was lost while `fn` ran, rejects with `LockLostError` instead of its result.
   */
  async runLocked<T>(
    key: string,
    fn: (lock: Lock) => T | Promise<T>,
    options: WithLockCallOptions | undefined,
    onLocked: OnLocked,
    argument = 'options',
  ): Promise<T | undefined> {
    if (typeof fn !== 'function') {
      throw new InvalidLockArgumentError(
        'withLock callback',
        `expected a function, got ${typeof fn}`,
      );
    }
    const lock = await this.take(key, options, onLocked, argument, true);
    if (lock === null) return undefined;
    if (lock.reentrant) return fn(lock);
    const held = lock as HeldLock;
    const holdAtLeast = options?.holdAtLeast ?? 0;
    let result: T;
    try {
      result = await this.context.run(held, () => fn(held));
    } catch (error) {
      await this.release(held, holdAtLeast);
      throw error;
    }
    const lost = held.lostError();
    await this.release(held, holdAtLeast);
    if (lost) throw lost;
    return result;
  }

  /** Stops new acquisitions and lets held locks finish, up to `shutdownTimeout`. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort(new ShutdownSignal());
    await this.tracker.drain(this.options.shutdownTimeout);
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutdown.abort(new ShutdownSignal());
    await this.backend.close('the lock module is shutting down');
    for (const subscription of this.subscriptions) subscription?.unsubscribe();
    this.tracker.complete();
  }

  /** With `holdAtLeast`, the caller gets its result now and the lock goes when the time is up. */
  private async release(lock: HeldLock, holdAtLeast: number): Promise<void> {
    const since = holdAtLeast > 0 ? this.tracker.acquiredAt(lock) : undefined;
    if (since === undefined) return lock.release();
    // Still counted as held, so shutdown drains it; shutdown also ends the hold early.
    void holdUntil(since + holdAtLeast, [lock.signal, this.shutdown.signal]).then(() =>
      lock.release(),
    );
  }

  private async take(
    key: string,
    rawOptions: WithLockCallOptions | undefined,
    onLocked: OnLocked,
    argument: string,
    allowHold = false,
  ): Promise<Lock | null> {
    const name = assertLockKey(key);
    const options = assertAcquireOptions(rawOptions, argument, allowHold);
    const signal = assertSignal(options.signal);
    const timing = resolveTimingOptions(options, this.options.defaults);
    const outer = this.context.find(name);
    if (outer) return new ReentrantLock(outer);
    const acquisition = this.tracker.begin(name);
    try {
      if (this.shutdown.signal.aborted) {
        throw new LockAcquireError(name, 0, { reason: 'the application is shutting down' });
      }
      const tryOnly = onLocked !== 'wait' || timing.waitTimeout === 0;
      const lock = await this.backend.acquire({
        key: name,
        timing,
        mode: tryOnly ? 'try' : 'wait',
        signal: signal ? AbortSignal.any([signal, this.shutdown.signal]) : this.shutdown.signal,
        observer: this.tracker,
        onQueued: () => this.tracker.queued(acquisition),
      });
      if (lock === null && onLocked !== 'skip') {
        throw new LockTimeoutError(name, 0, { reason: 'held by another owner, and not waiting' });
      }
      if (lock === null) this.tracker.skipped(acquisition);
      else this.tracker.acquired(acquisition, lock);
      return lock;
    } catch (error) {
      this.tracker.failed(acquisition, error);
      throw error;
    }
  }
}
