import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lock } from '../../lib/index.js';
import { bootReplica } from '../replica.js';
import { summarize, type Summary } from '../stats.js';

export interface HeldLocksPoint {
  held: number;
  /** Another replica's acquire+release of a free key in the same prefix. */
  cycle: Summary;
  /** Of the holding process, per held lock; 0 when none are held. */
  rssBytesPerLock: number;
  /** CPU of the holding process per acquisition while it took them. */
  cpuMsPerAcquire: number;
  /** CPU of the holding process per second of only holding (lease renewal, the watch). */
  idleCpuMsPerSecond: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Scaling with what is held: `held` locks in the prefix while another replica takes one. */
export async function heldLocks(hosts: string, held: number): Promise<HeldLocksPoint> {
  const prefix = `bench-held-${held}/`;
  const [holder, other] = await Promise.all([0, 1].map(() => bootReplica(hosts, prefix)));
  const locks: Lock[] = [];
  try {
    await (await holder!.locks.acquire('warm-up')).release();
    gc();
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < held; i += 500) {
      const batch = Array.from({ length: Math.min(500, held - i) }, (_, j) => `held-${i + j}`);
      locks.push(...(await Promise.all(batch.map((k) => holder!.locks.acquire(k)))));
    }
    const fillCpu = process.cpuUsage(cpuBefore);
    gc();
    const rss = process.memoryUsage().rss - rssBefore;
    const idleBefore = process.cpuUsage();
    if (held > 0) await sleep(5000); // the measured idle period itself
    const idle = process.cpuUsage(idleBefore);
    const cycles: number[] = [];
    for (let i = 0; i < 320; i++) {
      const started = performance.now();
      await (await other!.locks.acquire('probe')).release();
      if (i >= 20) cycles.push(performance.now() - started);
    }
    return {
      held,
      cycle: summarize(cycles),
      rssBytesPerLock: held ? rss / held : 0,
      cpuMsPerAcquire: held ? (fillCpu.user + fillCpu.system) / 1000 / held : 0,
      idleCpuMsPerSecond: held ? (idle.user + idle.system) / 1000 / 5 : 0,
    };
  } finally {
    for (let i = 0; i < locks.length; i += 1000) {
      await Promise.all(locks.slice(i, i + 1000).map((l) => l.release()));
    }
    await Promise.all([holder, other].map((r) => r!.close()));
  }
}
