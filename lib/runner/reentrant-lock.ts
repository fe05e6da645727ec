import type { ComparatorBuilder } from 'etcd3';
import type { Lock } from '../interfaces/lock.interface.js';
import type { LockMode } from '../interfaces/lock-options.interface.js';

/** A nested acquisition of a lock the async context already holds; only the outer one releases. */
export class ReentrantLock implements Lock {
  readonly reentrant = true;

  /** `outer`: the lock of the body that made this call, itself maybe a reentrant one. */
  constructor(readonly outer: Lock) {}

  /** The lock actually held: the outermost acquisition, not a reentrant one. */
  get root(): Lock {
    return this.outer instanceof ReentrantLock ? this.outer.root : this.outer;
  }

  get key(): string {
    return this.outer.key;
  }

  get keys(): readonly string[] {
    return this.outer.keys;
  }

  get mode(): LockMode {
    return this.outer.mode;
  }

  get permits(): number {
    return this.outer.permits;
  }

  get etcdKey(): string {
    return this.outer.etcdKey;
  }

  get fencingToken(): bigint {
    return this.outer.fencingToken;
  }

  get signal(): AbortSignal {
    return this.outer.signal;
  }

  get held(): boolean {
    return this.outer.held;
  }

  ifHeld(): ComparatorBuilder {
    return this.outer.ifHeld();
  }

  async release(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}
