/** A lock's shape as errors describe it; `LockShape` by structure (errors import nothing). */
export interface ShapeOfLock {
  /** `'write'` excludes everyone, `'read'` only writers. */
  readonly mode: 'read' | 'write';
  /** Holders allowed at once; more than 1 is a semaphore. */
  readonly permits: number;
}

/** How errors name a shape. */
export function describeShape(shape: ShapeOfLock): string {
  if (shape.permits > 1) return `a semaphore of ${shape.permits} permits`;
  return shape.mode === 'read' ? 'a read lock' : 'a lock (write, one holder)';
}
