import { performance } from 'node:perf_hooks';
import { filter, take, lastValueFrom } from 'rxjs';
import { bootReplica } from '../replica.js';
import { summarize, type Summary } from '../stats.js';

export interface QueueLengthPoint {
  waiters: number;
  /** Between consecutive holders while the queue is still about `waiters` long. */
  handoff: Summary;
  /** `tryAcquire` on the held key (enqueue, find it busy, delete): the enqueue's cost. */
  enqueue: Summary;
}

/** How many handoffs are timed: the first ones, while the queue is still long. */
const TIMED_HANDOFFS = 50;

/**
 * Scaling with queue length: a holder, `waiters` queued behind it in another replica, and a
 * third replica probing with `tryAcquire`. Then the holder lets go and each waiter releases
 * as soon as it holds, so the queue drains one handoff at a time.
 */
export async function queueLength(hosts: string, waiters: number): Promise<QueueLengthPoint> {
  const prefix = 'bench-queue/';
  const [holder, queue, probe] = await Promise.all([0, 1, 2].map(() => bootReplica(hosts, prefix)));
  const key = `queue-${waiters}-${Date.now()}`;
  try {
    const held = await holder!.locks.acquire(key);
    const allQueued = lastValueFrom(
      queue!.locks.events$.pipe(
        filter((e) => e.kind === 'lock.queued' && e.key === key),
        take(waiters),
      ),
    );
    const heldAt: number[] = [];
    const drained = Promise.all(
      Array.from({ length: waiters }, () =>
        queue!.locks.acquire(key, { waitTimeout: Infinity }).then((lock) => {
          heldAt.push(performance.now());
          return lock.release();
        }),
      ),
    );
    await allQueued;
    const probes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      if (await probe!.locks.tryAcquire(key)) throw new Error('the probe got a held lock');
      probes.push(performance.now() - started);
    }
    const releasedAt = performance.now();
    await held.release();
    await drained;
    const starts = [releasedAt, ...heldAt];
    const gaps = heldAt.slice(0, TIMED_HANDOFFS).map((at, i) => at - starts[i]!);
    return { waiters, handoff: summarize(gaps), enqueue: summarize(probes) };
  } finally {
    await Promise.all([holder, queue, probe].map((r) => r!.close()));
  }
}
