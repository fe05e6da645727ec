import { AsyncLocalStorage } from 'node:async_hooks';
import type { Lock } from '../interfaces/lock.interface.js';
import { isReentrant } from './reentrant-lock.js';

/** Locks held by the current async context, for reentrancy and `LockService.current()`. */
export class LockContext {
  private readonly storage = new AsyncLocalStorage<ReadonlyMap<string, Lock>>();

  /** The held lock for `key` in this context, if any. */
  find(key: string): Lock | undefined {
    const lock = this.storage.getStore()?.get(key);
    return lock?.held ? lock : undefined;
  }

  /** A lock held here that `key` would queue behind: one named `key/…` (names nest). */
  heldUnder(key: string): Lock | undefined {
    const under = `${key}/`;
    for (const [name, lock] of this.storage.getStore() ?? []) {
      if (lock.held && name.startsWith(under)) return lock;
    }
    return undefined;
  }

  /**
   * The lock of the running body for `key`, or the innermost one when no key is given, held
   * or not: a body whose lock was lost must see `held` false and `signal` aborted, not
   * `undefined` (`current(key)?.signal.aborted` would then read as "fine"). Reentrancy asks
   * `find`, which gives held locks only.
   */
  current(key?: string): Lock | undefined {
    const locks = this.storage.getStore();
    const lock = key === undefined ? [...(locks?.values() ?? [])].at(-1) : locks?.get(key);
    // A reentrant call's body runs under the lock actually held, and says so.
    return isReentrant(lock) ? lock.root : lock;
  }

  /** Runs `fn` with `lock` registered under each of its names. */
  run<T>(lock: Lock, fn: () => T): T {
    const next = new Map(this.storage.getStore());
    for (const name of lock.keys) {
      next.delete(name); // re-insert so the innermost lock is last
      next.set(name, lock);
    }
    return this.storage.run(next, fn);
  }
}
