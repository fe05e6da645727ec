import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Contender, noSection } from '../contenders/contender.js';
import { type Summary, summarize } from '../stats.js';

export interface IndependentKeysPoint {
  name: string;
  callers: number;
  /** Acquire+release cycles per second, all callers together. */
  cyclesPerSecond: number;
  /** CPU time of this process per cycle, in µs: the client's share of the two cores. */
  clientCpuUs: number;
  /** CPU time of the etcd process per cycle, in µs, when its pid is known. */
  etcdCpuUs?: number;
  /** One acquire+release cycle of one caller, in ms. */
  cycle: Summary;
  /** Callers' writes per etcd request, on average and at most, for a contender that batches. */
  batch?: { mean: number; largest: number };
}

/**
 * `callers` loops in one process, each taking a key of its own (a lock per order id): no
 * contention, only concurrency. Contenders alternate in short slices, so a noisy moment on
 * the machine hits all of them alike. Client and etcd CPU are counted per slice: on two shared
 * cores they, not round trips, set the rate.
 */
export async function independentKeys(
  contenders: readonly Contender[],
  callers: number,
  durationMs: number,
  slices = 4,
  etcdPid?: number,
): Promise<IndependentKeysPoint[]> {
  const totals = new Map(
    contenders.map((c) => [c.name, { cycles: 0, ms: 0, cpu: 0, etcd: 0, took: [] as number[] }]),
  );
  for (const c of contenders) await burst(c, callers, 200, []);
  const batchesBefore = contenders.map((c) => c.batches?.());
  for (let s = 0; s < slices; s++) {
    for (const c of contenders) {
      const total = totals.get(c.name)!;
      const [started, cpu, etcd] = [performance.now(), process.cpuUsage(), cpuMsOf(etcdPid)];
      total.cycles += await burst(c, callers, durationMs / slices, total.took);
      total.ms += performance.now() - started;
      const used = process.cpuUsage(cpu);
      total.cpu += (used.user + used.system) / 1000;
      total.etcd += cpuMsOf(etcdPid) - etcd;
    }
  }
  return contenders.map((c, i) => {
    const { cycles, ms, cpu, etcd, took } = totals.get(c.name)!;
    const [before, after] = [batchesBefore[i], c.batches?.()];
    return {
      name: c.name,
      callers,
      cyclesPerSecond: cycles / (ms / 1000),
      clientCpuUs: (cpu / cycles) * 1000,
      etcdCpuUs: etcdPid === undefined ? undefined : (etcd / cycles) * 1000,
      cycle: summarize(took),
      batch: before &&
        after && {
          mean: (after.entries - before.entries) / (after.requests - before.requests),
          largest: after.largest,
        },
    };
  });
}

/** Runs `callers` loops until `ms` have passed; returns how many cycles completed. */
async function burst(
  contender: Contender,
  callers: number,
  ms: number,
  took: number[],
): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const loop = async (caller: number) => {
    for (let started = performance.now(); started < until; started = performance.now()) {
      await contender.run(`independent-${callers}-${caller}`, noSection);
      took.push(performance.now() - started);
      done++;
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, i) => loop(i)));
  return done;
}

/** User + system CPU of a process so far, in ms, from `/proc` (Linux clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
