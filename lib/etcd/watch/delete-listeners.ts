import type { KeyDeleted } from './recent-deletes.js';

/** Told of deletes in revision order, and once if deletes may have been missed. */
export interface DeleteListener {
  deleted(event: KeyDeleted): void;
  interrupted(): void;
}

/**
 * Who follows the prefix's deletes: of every key (the held locks' one listener), or of a few
 * keys (a waiter: its own and those it waits for). Each delete reaches only those of its key:
 * with every waiter told of every delete, 10,000 waiters made a queue's drain quadratic.
 */
export class DeleteListeners {
  /** Every listener, each told of an interruption. */
  private readonly all = new Set<DeleteListener>();
  private readonly everyKey = new Set<DeleteListener>();
  /** Listeners of some keys only, by key: one alone (the usual case), or a set of them. */
  private readonly byKey = new Map<string, DeleteListener | Set<DeleteListener>>();

  /** Adds `listener`, of every key or of `keys` only; returns the function that removes it. */
  add(listener: DeleteListener, keys?: readonly string[]): () => void {
    this.all.add(listener);
    if (!keys) {
      this.everyKey.add(listener);
      return () => (this.all.delete(listener), this.everyKey.delete(listener));
    }
    for (const key of keys) {
      const there = this.byKey.get(key);
      if (!there) this.byKey.set(key, listener);
      else if (there instanceof Set) there.add(listener);
      else this.byKey.set(key, new Set([there, listener]));
    }
    return () => {
      this.all.delete(listener);
      for (const key of keys) {
        const there = this.byKey.get(key);
        if (there === listener) this.byKey.delete(key);
        else if (there instanceof Set && there.delete(listener) && there.size === 0)
          this.byKey.delete(key);
      }
    };
  }

  deleted(event: KeyDeleted): void {
    for (const listener of this.everyKey) listener.deleted(event);
    const keyed = this.byKey.get(event.key);
    if (keyed instanceof Set) for (const listener of [...keyed]) listener.deleted(event);
    else keyed?.deleted(event);
  }

  interrupted(): void {
    for (const listener of [...this.all]) listener.interrupted();
  }
}
