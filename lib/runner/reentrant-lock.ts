import type { Lock } from '../interfaces/lock.interface.js';

/** A nested acquisition of a lock the async context already holds; only the outer one releases. */
export interface ReentrantLock extends Lock {
  readonly reentrant: true;
  /** The lock of the body that made this call, itself maybe a reentrant one. */
  readonly outer: Lock;
  /** The lock actually held: the outermost acquisition, not a reentrant one. */
  readonly root: Lock;
}

/** Whether `lock` is a nested acquisition (held locks say `reentrant: false`). */
export function isReentrant(lock: Lock | undefined): lock is ReentrantLock {
  return lock?.reentrant === true;
}

/** A nested acquisition under `outer`: it reads as the held lock, and its release does nothing. */
export function reentrantLock(outer: Lock): ReentrantLock {
  const root = isReentrant(outer) ? outer.root : outer;
  // What a held lock is never changes, so these are copies; `held` and `signal` are read live.
  const { key, keys, mode, permits, etcdKey, fencingToken } = root;
  const identity = { key, keys, mode, permits, etcdKey, fencingToken };
  return {
    ...identity,
    reentrant: true,
    outer,
    root,
    get signal() {
      return root.signal; // the held lock makes it when first asked for, so it is not copied
    },
    get held() {
      return root.held;
    },
    ifHeld: () => root.ifHeld(),
    release: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
}
