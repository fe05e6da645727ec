import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';

/** What a decorator uses a name for: each lives under `<prefix><name>/` in etcd. */
type NameUse = '@OncePerTick' | '@WithLock' | '@OnlyLeader';

/** Names that decorators in this process hold as fixed strings, with who holds them. */
const holders = new Map<string, { use: NameUse; where: string }[]>();

/**
 * Records that `where` uses `name`, and refuses a job's name that anything else uses: a job's
 * lock would queue with that lock or election, skipping its ticks while it is held. Locks may
 * share names (that is what a lock is for).
 */
export function claimDecoratedName(name: string, use: NameUse, where: string): void {
  const others = (holders.get(name) ?? []).filter((h) => h.where !== where);
  const clash = others.find((h) => use === '@OncePerTick' || h.use === '@OncePerTick');
  if (clash) {
    const problem =
      `"${name}" is already ${clash.use} on ${clash.where}; a @OncePerTick job takes a lock of ` +
      'its own name, so give the job a name nothing else uses';
    throw new InvalidLockArgumentError({ argument: `${use} name`, problem });
  }
  holders.set(name, [...others, { use, where }]);
}
