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
    for (const lock of this.storage.getStore()?.values() ?? []) {
      if (lock.held && lock.key.startsWith(under)) return lock;
    }
    return undefined;
  }

  /** The lock for `key`, or the innermost held lock when no key is given. */
  current(key?: string): Lock | undefined {
    if (key !== undefined) return this.find(key);
    const held = [...(this.storage.getStore()?.values() ?? [])].filter((l) => l.held);
    return held.at(-1);
  }

  run<T>(lock: Lock, fn: () => T): T {
    const next = new Map(this.storage.getStore());
    next.delete(lock.key); // re-insert so the innermost lock is last
    next.set(lock.key, lock);
    return this.storage.run(next, fn);
  }
}
