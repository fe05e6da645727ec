import type { LockShape } from '../interfaces/lock-options.interface.js';

export type { LockShape };

/** Whether a lock already held in this shape covers a nested request for `wanted`. */
export function covers(held: LockShape, wanted: LockShape): boolean {
  if (held.permits !== wanted.permits) return false;
  return held.mode === 'write' || wanted.mode === 'read';
}

/** How errors, events and `Lock.key` name an acquisition of several names. */
export function joinLockNames(names: readonly string[]): string {
  // One name stays the same string: no copy per held lock.
  return names.length === 1 ? names[0]! : names.join(', ');
}
