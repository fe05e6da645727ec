import { setMaxListeners } from 'node:events';
import { type CallSite, describeCallSite } from '../lock/call-site.js';
import type { LockContext } from './lock-context.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { LockAcquireError } from '../errors/lock-acquire.error.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import { SHUTTING_DOWN } from '../errors/shutting-down.message.js';
import type { LockTracker } from '../events/lock-tracker.js';
import type { Lock } from '../interfaces/lock.interface.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import { HeldBodyRunner } from './held-body.runner.js';
import type { HeldLock, LockBackend } from '../lock/lock-backend.interface.js';
import { isReentrant, reentrantLock } from './reentrant-lock.js';
import { covers, joinLockNames } from '../lock/lock-shape.js';
import { selfDeadlockOf } from './self-deadlock.check.js';
import { leftOverMessage, withSelfHeldHint } from './lock-runner.messages.js';
import { NestedTurns } from '../lock/nested-turns.js';
import { ShutdownSignal } from '../lock/shutdown.js';
import { type LockCall, withDefaults } from '../options/lock-call.parser.js';

/** What `LockService` does on every call: reentrancy, bookkeeping, holding, and shutdown. */
export class LockRunner {
  private readonly shutdown = new AbortController();
  /** The signals of a call without one of its own: one array for all, not one per waiter. */
  private readonly shutdownOnly = [this.shutdown.signal];
  private readonly nested = new NestedTurns();
  private readonly bodies: HeldBodyRunner;

  constructor(
    private readonly backend: LockBackend,
    private readonly defaults: ResolvedTimingOptions,
    private readonly tracker: LockTracker,
    private readonly context: LockContext,
  ) {
    // Every waiter listens to it; hundreds at once are normal, not a leak.
    setMaxListeners(0, this.shutdown.signal);
    this.bodies = new HeldBodyRunner(context, tracker, this.shutdown.signal);
  }

  get stopped(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** New acquisitions fail from now on; waiters stop waiting; held-at-least locks go. */
  stop(): void {
    if (!this.shutdown.signal.aborted) this.shutdown.abort(new ShutdownSignal());
  }

  /** Gives running `withLock` bodies up to `timeoutMs`; says why each lock left is held. */
  async drain(timeoutMs: number): Promise<string[]> {
    await this.bodies.work.drain(timeoutMs);
    return this.tracker
      .heldEntries()
      .map((entry) => leftOverMessage(entry, this.bodies.work.has(entry.lock), timeoutMs));
  }

  /** Takes the lock on `names` (already validated) as `call` says; `null` when skipped. */
  async take(names: readonly string[], call: LockCall, site?: CallSite): Promise<Lock | null> {
    const name = joinLockNames(names);
    const outers = names.map((n) => this.context.find(n));
    const outer = outers[0];
    if (outer && outers.every((o) => o && covers(o, call.shape))) return reentrantLock(outer);
    const timing = withDefaults(call.timing, this.defaults);
    if (call.holdAtLeast > timing.maxHold) {
      const why = `${call.holdAtLeast} ms is longer than maxHold (${timing.maxHold} ms)`;
      throw new InvalidLockArgumentError({ argument: 'holdAtLeast', problem: why });
    }
    if (call.onLocked === 'wait' && timing.waitTimeout > 0) this.assertNoSelfDeadlock(names);
    const acquisition = this.tracker.begin(name, call.metricName);
    try {
      if (this.shutdown.signal.aborted) {
        throw new LockAcquireError({ key: name, attempts: 0, reason: SHUTTING_DOWN });
      }
      const { signal, onLocked } = call;
      const tryOnly = onLocked !== 'wait' || timing.waitTimeout === 0;
      const lock = await this.backend.acquire({
        key: name,
        keys: names,
        shape: call.shape,
        timing,
        mode: tryOnly ? 'try' : 'wait',
        signals: signal ? [signal, this.shutdown.signal] : this.shutdownOnly,
        observer: this.tracker,
        onQueued: () => this.tracker.queued(acquisition),
        value: call.value,
      });
      if (lock === null && onLocked !== 'skip')
        throw new LockTimeoutError({ key: name, waitedMs: 0, kind: 'busy' });
      if (lock === null) this.tracker.skipped(acquisition);
      else {
        this.tracker.acquired(acquisition, lock, site);
        lock.limitHold(timing.maxHold);
      }
      return lock;
    } catch (error) {
      this.tracker.failed(acquisition, error);
      throw withSelfHeldHint(error, name, this.tracker.heldEntries());
    }
  }

  /**
   * `withLock` with options already parsed, for `LockService` and `@WithLock`: `onLocked:
   * 'skip'` resolves `undefined` without running `fn`; a loss while `fn` runs rejects with
   * `LockLostError` instead of its result.
   */
  runLocked<T>(
    names: readonly string[],
    fn: (lock: Lock) => T | Promise<T>,
    call: LockCall,
    site?: CallSite,
  ): Promise<T | undefined> {
    if (typeof fn !== 'function') {
      const why = `expected a function, got ${typeof fn}`;
      return Promise.reject(
        new InvalidLockArgumentError({ argument: 'withLock callback', problem: why }),
      );
    }
    return this.take(names, call, site).then((lock) =>
      lock === null ? undefined : this.run(lock, fn, call.holdAtLeast),
    );
  }

  /** Its own method: a closure made in `take` stays alive for as long as the call waits. */
  private assertNoSelfDeadlock(names: readonly string[]): void {
    const heldAt = (lock: Lock) => describeCallSite(this.tracker.entry(lock as HeldLock)?.site);
    const deadlock = selfDeadlockOf(this.context, names, heldAt);
    if (deadlock) throw deadlock;
  }

  /** Runs `fn` under a lock `take` returned and releases it; a loss rejects at once. */
  async run<T>(lock: Lock, fn: (lock: Lock) => T | Promise<T>, holdAtLeast: number): Promise<T> {
    if (!isReentrant(lock)) return this.bodies.run(lock as HeldLock, () => fn(lock), holdAtLeast);
    // Its own context entry, so calls it makes are its children, not its siblings.
    return this.nested.run(lock.outer, () => this.context.run(lock, () => fn(lock)));
  }

  /**
   * Runs `fn` in the async context of a lock held elsewhere (a leadership), without releasing
   * it afterwards. Like `run`, a loss rejects at once. Shutdown waits for it as for a body.
   */
  runHeld<T>(lock: HeldLock, fn: () => T | Promise<T>): Promise<T> {
    return this.bodies.runHeld(lock, fn);
  }

  /** The locks whose body still runs: their leases must not be revoked under them. */
  stillRunning(): HeldLock[] {
    return this.bodies.work.locks();
  }
}
