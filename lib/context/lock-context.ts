import { AsyncLocalStorage } from 'node:async_hooks';
import type { Lock } from '../interfaces/lock.interface.js';

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

  /** The lock for `key`, or the innermost held lock when no key is given. */
  current(key?: string): Lock | undefined {
    if (key !== undefined) return this.find(key);
    const held = [...(this.storage.getStore()?.values() ?? [])].filter((l) => l.held);
    return held.at(-1);
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
