import { SelfDeadlockError } from '../errors/self-deadlock.error.js';
import type { Lock } from '../interfaces/lock.interface.js';
import { joinLockNames } from '../lock/lock-shape.js';
import type { LockContext } from './lock-context.js';

/**
 * A wait on `names` that could only end when this async context lets go of a lock it holds:
 * one of the names held in a shape that does not cover the request (a read lock asked again
 * as a write, or only some of the names), or a lock named `<name>/…`, which every entry of
 * `name` queues behind. Such a wait is refused at once rather than after `waitTimeout`.
 */
export function selfDeadlockOf(
  context: LockContext,
  names: readonly string[],
  heldAt: (lock: Lock) => string,
): SelfDeadlockError | undefined {
  for (const wanted of names) {
    const same = context.find(wanted);
    const blocking = same ?? context.heldUnder(wanted);
    if (!blocking) continue;
    return new SelfDeadlockError({
      key: joinLockNames(names),
      heldKey: blocking.key,
      heldAt: heldAt(blocking),
      sameName: same && { name: wanted, heldAs: { mode: same.mode, permits: same.permits } },
    });
  }
  return undefined;
}
