import { performance } from 'node:perf_hooks';
import { describeCallSite } from '../lock/call-site.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import type { HeldEntry } from '../events/lock-tracker.js';

/** Why a lock is still held when shutdown is done waiting: work overran, or nobody released it. */
export function leftOverMessage(entry: HeldEntry, running: boolean, timeoutMs: number): string {
  const { lock, since, site } = entry;
  const heldFor = `held for ${((performance.now() - since) / 1000).toFixed(1)} s`;
  if (running) {
    return (
      `Lock "${lock.key}": its work was still running after shutdownTimeout (${timeoutMs} ms), ` +
      `${heldFor}; its lease is left to run out (ttl), not revoked under the running work`
    );
  }
  const at = describeCallSite(site);
  return `Lock "${lock.key}" was never released: ${heldFor}, acquired at ${at}. Shutdown does not wait for it; its lease is revoked now`;
}

/**
 * A wait that timed out behind a lock this process holds from `acquire()`: maybe the same
 * flow took it, maybe another request did, which the library cannot tell apart. Say so.
 */
export function withSelfHeldHint(error: unknown, name: string, held: HeldEntry[]): unknown {
  if (!(error instanceof LockTimeoutError) || error.kind !== 'timeout') return error;
  const under = `${name}/`;
  const mine = held.find(({ lock }) => lock.key === name || lock.key.startsWith(under));
  if (!mine) return error;
  const hint =
    `This process holds "${mine.lock.key}" (taken at ${describeCallSite(mine.site)}). ` +
    'If the waiting code took it itself, release it first: only withLock and @WithLock are ' +
    'reentrant, through their async context';
  return new LockTimeoutError({
    key: name,
    waitedMs: error.waitedMs,
    kind: 'timeout',
    cause: error.cause,
    hint,
  });
}
