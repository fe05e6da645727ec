import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import type { LockBackend } from './backend/lock-backend.interface.js';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_RESOLVED_OPTIONS } from './etcd-lock.constants.js';
import { InvalidLockArgumentError } from './errors/invalid-lock-argument.error.js';
import type { LockEvent } from './events/lock-event.interface.js';
import { logLockEvents } from './events/lock-event.logger.js';
import type { ResolvedModuleOptions } from './interfaces/etcd-lock-module-options.interface.js';
import type { LockStats } from './interfaces/lock-stats.interface.js';
import type {
  AcquireOptions,
  OnLocked,
  WithLockCallOptions,
} from './interfaces/lock-options.interface.js';
import { LockRunner } from './lock/lock-runner.js';
import type { Lock } from './lock/lock.interface.js';
import { assertLockKey } from './options/lock-options.validation.js';
import { startLockTelemetry } from './telemetry/lock-telemetry.js';

@Injectable()
export class LockService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly runner: LockRunner;
  private readonly subscriptions: (Subscription | undefined)[] = [];
  /** Every acquisition, wait, release and loss in this process, as it happens. */
  readonly events$: Observable<LockEvent>;

  constructor(
    @Inject(ETCD_LOCK_RESOLVED_OPTIONS) private readonly options: ResolvedModuleOptions,
    @Inject(ETCD_LOCK_BACKEND) private readonly backend: LockBackend,
  ) {
    this.runner = new LockRunner(backend, options.defaults);
    this.events$ = this.runner.tracker.events$;
    this.subscriptions.push(logLockEvents(this.events$, options.log));
  }

  async onModuleInit(): Promise<void> {
    if (this.options.telemetry) this.subscriptions.push(await startLockTelemetry(this.events$));
  }

  /** Waits in line for the lock. Rejects with `LockTimeoutError` after `waitTimeout` or on `signal`. */
  async acquire(key: string, options?: AcquireOptions): Promise<Lock> {
    const lock = await this.runner.take(key, options, 'wait', 'acquire options');
    return lock!;
  }

  /** Takes the lock if it is free right now; `null` if someone else holds it. Never waits. */
  tryAcquire(key: string, options?: AcquireOptions): Promise<Lock | null> {
    return this.runner.take(key, options, 'skip', 'tryAcquire options');
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
    return this.runner.context.current(key);
  }

  /** Held locks and queued callers in this process, and its leases. For health checks. */
  stats(): LockStats {
    const { heldCount: held, waiting } = this.runner.tracker;
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
    const lock = await this.runner.take(key, options, onLocked, argument, true);
    return lock === null ? undefined : this.runner.run(lock, fn, options?.holdAtLeast);
  }

  /** Stops new acquisitions and lets held locks finish, up to `shutdownTimeout`. */
  async beforeApplicationShutdown(): Promise<void> {
    this.runner.stop();
    await this.runner.tracker.drain(this.options.shutdownTimeout);
  }

  async onApplicationShutdown(): Promise<void> {
    this.runner.stop();
    await this.backend.close('the lock module is shutting down');
    for (const subscription of this.subscriptions) subscription?.unsubscribe();
    this.runner.tracker.complete();
  }
}
