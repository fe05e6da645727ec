import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import type { Lock } from '../../lib/index.js';
import { bootReplica } from '../replica.js';

export interface WaitersPoint {
  waiters: number;
  /** `one name`: all wait for one holder; `distinct names`: each for its own. */
  spread: 'one name' | 'distinct names';
  /** Heap of the waiting process per waiter, while they all wait (from 1,000 waiters). */
  heapBytesPerWaiter: number | undefined;
  /** From the holders letting go to the last waiter done. */
  drainMs: number;
  failures: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heap = (): number => (gc(), gc(), process.memoryUsage().heapUsed);

/** `waiters` callers of `withLock` in one process, queued behind another process's locks. */
export async function waitersScale(
  hosts: string,
  waiters: number,
  spread: WaitersPoint['spread'],
): Promise<WaitersPoint> {
  const prefix = `bench-waiters-${waiters}-${spread.length}-${Date.now()}/`;
  const names = spread === 'one name' ? 1 : waiters;
  const nameOf = (i: number) => `busy-${i % names}`;
  const [holder, waiting] = await Promise.all([0, 1].map(() => bootReplica(hosts, prefix)));
  const client = new Etcd3({ hosts });
  try {
    const held: Lock[] = [];
    for (let i = 0; i < names; i += 500) {
      const slice = Array.from({ length: Math.min(500, names - i) }, (_, j) => nameOf(i + j));
      held.push(...(await Promise.all(slice.map((n) => holder!.locks.acquire(n)))));
    }
    await (await waiting!.locks.acquire('warm-up')).release();
    const before = heap();
    const progress = { settled: 0 };
    const errors: unknown[] = [];
    // One callback, options object and pair of handlers for all: the heap is the library's.
    const options = { waitTimeout: 600_000 };
    const noop = () => undefined;
    const onServed = () => (progress.settled++, true);
    const onFailed = (error: unknown) => (progress.settled++, errors.push(error), false);
    const outcomes = Array.from({ length: waiters }, (_, i) =>
      waiting!.locks.withLock(nameOf(i), noop, options).then(onServed, onFailed),
    );
    // Every waiter's key is in etcd: all are queued, none can hold yet.
    while (progress.settled === 0) {
      if ((await client.getAll().prefix(prefix).count()) === waiters + names) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { settled } = progress;
    if (settled > 0) {
      const lost = held.filter((lock) => !lock.held).length;
      const why = `${settled} waiters ended before the holders let go (holders lost: ${lost})`;
      throw new Error(why, { cause: held.find((lock) => !lock.held)?.signal.reason ?? errors[0] });
    }
    // Below 1,000 waiters the garbage of the set-up outweighs them.
    const heapBytesPerWaiter = waiters >= 1_000 ? (heap() - before) / waiters : undefined;
    const releasedAt = performance.now();
    for (let i = 0; i < held.length; i += 1000)
      await Promise.all(held.slice(i, i + 1000).map((lock) => lock.release()));
    const served = await Promise.all(outcomes);
    const drainMs = performance.now() - releasedAt;
    return {
      waiters,
      spread,
      heapBytesPerWaiter,
      drainMs,
      failures: served.filter((ok) => !ok).length,
    };
  } finally {
    client.close();
    await Promise.all([holder, waiting].map((r) => r!.close()));
  }
}
