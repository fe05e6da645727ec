import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { LockContext } from './context/lock-context.js';
import { ETCD_LOCK_CLIENT, ETCD_LOCK_RESOLVED_OPTIONS } from './etcd-lock.constants.js';
import { InvalidLockArgumentError } from './errors/invalid-lock-argument.error.js';
import { LockTimeoutError } from './errors/lock-timeout.error.js';
import type { ResolvedModuleOptions } from './interfaces/etcd-lock-module-options.interface.js';
import type { AcquireOptions, OnLocked } from './interfaces/lock-options.interface.js';
import type { EtcdLock } from './lock/etcd-lock.js';
import { LockAcquirer } from './lock/lock-acquirer.js';
import type { Lock } from './lock/lock.interface.js';
import { ReentrantLock } from './lock/reentrant-lock.js';
import {
  assertAcquireOptions,
  resolveTimingOptions,
} from './options/etcd-lock-options.defaults.js';
import { assertLockKey, assertSignal } from './options/lock-options.validation.js';
import { SessionPool } from './session/session-pool.js';

@Injectable()
export class LockService implements OnApplicationShutdown {
  private readonly context = new LockContext();
  private readonly sessions: SessionPool;
  private readonly acquirer: LockAcquirer;

  constructor(
    @Inject(ETCD_LOCK_RESOLVED_OPTIONS) private readonly options: ResolvedModuleOptions,
    @Inject(ETCD_LOCK_CLIENT) private readonly client: Etcd3,
  ) {
    this.sessions = new SessionPool(client);
    this.acquirer = new LockAcquirer(client, this.sessions, options.prefix);
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
    options?: AcquireOptions,
  ): Promise<T> {
    return (await this.runLocked(key, fn, options, 'wait', 'withLock options')) as T;
  }

  /** The lock held in the calling async context: for `key`, or the innermost one. */
  current(key?: string): Lock | undefined {
    if (key !== undefined) assertLockKey(key);
    return this.context.current(key);
  }

  /**
   * `withLock` with an `onLocked` policy: `'skip'` resolves `undefined` without running `fn`.
   * If the lock was lost while `fn` ran, rejects with `LockLostError` instead of its result.
   */
  async runLocked<T>(
    key: string,
    fn: (lock: Lock) => T | Promise<T>,
    options: AcquireOptions | undefined,
    onLocked: OnLocked,
    argument = 'options',
  ): Promise<T | undefined> {
    if (typeof fn !== 'function') {
      throw new InvalidLockArgumentError(
        'withLock callback',
        `expected a function, got ${typeof fn}`,
      );
    }
    const lock = await this.take(key, options, onLocked, argument);
    if (lock === null) return undefined;
    if (lock.reentrant) return fn(lock);
    const held = lock as EtcdLock;
    let result: T;
    try {
      result = await this.context.run(held, () => fn(held));
    } catch (error) {
      await held.release();
      throw error;
    }
    const lost = held.lostError();
    await held.release();
    if (lost) throw lost;
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.acquirer.settle();
    await this.sessions.closeAll('the lock module is shutting down');
    if (!this.options.client) this.client.close();
  }

  private async take(
    key: string,
    rawOptions: AcquireOptions | undefined,
    onLocked: OnLocked,
    argument: string,
  ): Promise<Lock | null> {
    const name = assertLockKey(key);
    const options = assertAcquireOptions(rawOptions, argument);
    const signal = assertSignal(options.signal);
    const timing = resolveTimingOptions(options, this.options.defaults);
    const outer = this.context.find(name);
    if (outer) return new ReentrantLock(outer);
    const tryOnly = onLocked !== 'wait' || timing.waitTimeout === 0;
    const lock = await this.acquirer.acquire(name, timing, tryOnly ? 'try' : 'wait', signal);
    if (lock === null && onLocked !== 'skip') {
      throw new LockTimeoutError(name, 0, { reason: 'held by another owner, and not waiting' });
    }
    return lock;
  }
}
