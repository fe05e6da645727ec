import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3 } from 'etcd3';
import { filter, firstValueFrom } from 'rxjs';
import type { Lock, LockService } from '../../lib/index.js';
import { bootReplica, type Replica } from '../replica.js';
import { summarize, type Summary } from '../stats.js';

export interface HandoffResult {
  /** From the start of the holder's `release()` to the waiter holding the lock. */
  handoff: Summary;
  /**
   * One raw put, measured between the handoffs after the same 5 ms idle: the physical floor
   * is one write, whose watch event arrives with its reply.
   */
  rawPut: Summary;
}

/**
 * Workload 4: two replicas (two apps, two etcd clients and leases) pass one lock back and
 * forth. The waiter is queued and its watch open (it has waited 5 ms) before the holder
 * releases, as a waiter behind a real section would be.
 */
export async function handoff(hosts: string, rounds: number): Promise<HandoffResult> {
  const replicas: Replica[] = [
    await bootReplica(hosts, 'bench-handoff/'),
    await bootReplica(hosts, 'bench-handoff/'),
  ];
  const raw = new Etcd3({ hosts });
  const key = `handoff-${Date.now()}`;
  const handoffs: number[] = [];
  const puts: number[] = [];
  try {
    let lock = await replicas[0]!.locks.acquire(key);
    for (let i = 0; i < rounds + 10; i++) {
      const waiter = replicas[(i + 1) % 2]!.locks;
      const { next, heldAt } = await queueBehind(waiter, key);
      const started = performance.now();
      const released = lock.release();
      lock = await next;
      await released;
      if (i >= 10) handoffs.push(heldAt() - started); // the first ten warm up
      await sleep(5); // idle as long as before a release: an idle loop answers more slowly
      const putStarted = performance.now();
      await raw.put(`bench-handoff-raw/${key}`).value(String(i));
      if (i >= 10) puts.push(performance.now() - putStarted);
    }
    await lock.release();
  } finally {
    raw.close();
    await Promise.all(replicas.map((r) => r.close()));
  }
  return { handoff: summarize(handoffs), rawPut: summarize(puts) };
}

/** Starts `locks.acquire(key)`, resolving once it is queued and its watch had time to open. */
async function queueBehind(
  locks: LockService,
  key: string,
): Promise<{ next: Promise<Lock>; heldAt: () => number }> {
  const queued = firstValueFrom(
    locks.events$.pipe(filter((e) => e.kind === 'lock.queued' && e.key === key)),
  );
  let at = NaN;
  const next = locks.acquire(key).then((lock) => ((at = performance.now()), lock));
  await queued;
  await sleep(5); // the shape of the workload (a waiter that has waited), not synchronisation
  return { next, heldAt: () => at };
}
