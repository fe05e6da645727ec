import { DEFAULT_PREFIX } from '../options/lock-options.defaults.js';
import { InMemoryLockStore } from './in-memory-lock.store.js';

/** The store behind each public handle; the testing module reads it here, tests never do. */
const stores = new WeakMap<InMemoryLockBackend, InMemoryLockStore>();

/** The store `backend` stands for. */
export function storeOf(backend: InMemoryLockBackend): InMemoryLockStore {
  return stores.get(backend)!;
}

/**
 * Locks in memory with etcd's semantics: FIFO by revision, names nest like etcd prefixes,
 * fencing tokens strictly increase. Share one instance between apps to play several replicas
 * (`EtcdLockTestingModule.forRoot({ backend })`); inject it to make locks be lost.
 */
export class InMemoryLockBackend {
  constructor(prefix = DEFAULT_PREFIX) {
    stores.set(this, new InMemoryLockStore(prefix));
  }

  /**
   * Makes the current holder of `key` lose it, as if its lease expired; `key` is one of its
   * names, or `lock.key` of a lock on several. False if none.
   */
  loseLock(key: string, reason = 'simulated lease loss'): boolean {
    return storeOf(this).loseLock(key, reason);
  }

  /** Every held lock is lost, as when the session lease expires. Returns how many. */
  loseAll(reason = 'simulated lease loss'): number {
    return storeOf(this).loseAll(reason);
  }

  /** Names held right now, in acquisition order. */
  heldKeys(): string[] {
    return storeOf(this).heldKeys();
  }
}
