import type { Lock } from '../interfaces/lock.interface.js';

/**
 * Reentrant calls under one lock take turns: parallel `@WithLock('x')` calls inside a body
 * that holds `x` run one after another, in call order, as a user reads "one body at a time".
 * The turn is kept per parent (the lock of the body that made the call), so a nested call
 * waits only for its siblings, never for an ancestor, and nesting cannot deadlock.
 */
export class NestedTurns {
  /** The last turn taken under each parent: the next sibling runs once it settles. */
  private readonly tails = new WeakMap<Lock, Promise<void>>();

  async run<T>(parent: Lock, fn: () => T | Promise<T>): Promise<T> {
    const before = this.tails.get(parent);
    let done!: () => void;
    const tail = new Promise<void>((resolve) => (done = resolve));
    this.tails.set(parent, before ? before.then(() => tail) : tail);
    try {
      if (before) await before;
      return await fn();
    } finally {
      done();
    }
  }
}
