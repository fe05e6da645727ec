import type { LockShape } from '../interfaces/lock-options.interface.js';

/** How errors name a shape. */
export function describeShape(shape: LockShape): string {
  if (shape.permits > 1) return `a semaphore of ${shape.permits} permits`;
  return shape.mode === 'read' ? 'a read lock' : 'a lock (write, one holder)';
}
