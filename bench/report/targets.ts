import type { BenchResults } from './markdown.js';
import { ms } from '../stats.js';

export type Target = BenchResults['targets'][number];

const RAW = 'raw put+delete (floor)';
const SERVICE = 'ours: LockService acquire/release';
const UNBATCHED = 'ours, group commit off: LockService acquire/release';
const PROTOCOL = 'protocol floor (our 2 requests, no library)';
const GUARDED = 'guarded floor (+ deadlines and delete watch)';
const SHAPES = ['ours: 3 names in one lock', 'ours: semaphore, 3 permits', "ours: mode 'read'"];

/** Every target of the performance issue, as measured in this run. */
export function targets(r: Omit<BenchResults, 'targets'>): Target[] {
  const median = (name: string) => r.uncontended.find((u) => u.name === name)!.summary.median;
  const raw = median(RAW);
  const service = median('ours: LockService acquire/release');
  const point = (kind: string, n: number) =>
    r.contended.find((p) => p.kind === kind && p.contenders === n && p.processes === 1)!;
  const [solo, eight] = [point('ours', 1), point('ours', 8)];
  const cycleMs = 1000 / solo.handoffsPerSecond;
  const rate = (name: string, callers: number) =>
    r.independent.find((p) => p.name === name && p.callers === callers)?.cyclesPerSecond ?? NaN;
  const independent = (callers: number, atLeast: number): Target => {
    const ind = rate(SERVICE, callers) / rate(RAW, callers);
    const unbatched = rate(UNBATCHED, callers) / rate(RAW, callers);
    return {
      target: `independent keys, ${callers} callers: ≥ ${atLeast}× raw put+delete throughput`,
      measured: `${ind.toFixed(2)}× (group commit off ${unbatched.toFixed(2)}×, protocol floor ${(rate(PROTOCOL, callers) / rate(RAW, callers)).toFixed(2)}×)`,
      met: ind >= atLeast,
    };
  };
  const handoff = r.handoff.handoff.median / r.handoff.rawPut.median;
  const largest = r.manyKeys.at(-1)!;
  const list: Target[] = [
    independent(64, 3),
    independent(256, 4),
    {
      target: 'handoff between two replicas: median ≤ 1.2× one raw put',
      measured: `${handoff.toFixed(2)}× (${ms(r.handoff.handoff.median)} vs ${ms(r.handoff.rawPut.median)}; p99 ${ms(r.handoff.handoff.p99)})`,
      met: handoff <= 1.2,
    },
    {
      target: 'uncontended acquire+release ≤ 1.15× raw put+delete',
      measured: `${(service / raw).toFixed(2)}× (protocol floor ${(median(PROTOCOL) / raw).toFixed(2)}×, guarded floor ${(median(GUARDED) / raw).toFixed(2)}×)`,
      met: service / raw <= 1.15,
    },
    {
      target: '8 contenders, one process: handoffs/s ≥ 0.8× the solo rate',
      measured: `${(eight.handoffsPerSecond / solo.handoffsPerSecond).toFixed(2)}× (${eight.handoffsPerSecond.toFixed(0)} vs ${solo.handoffsPerSecond.toFixed(0)}/s)`,
      met: eight.handoffsPerSecond >= 0.8 * solo.handoffsPerSecond,
    },
    {
      target: '8 contenders: p99 wait ≤ 1.5 × 8 × median cycle',
      measured: `${ms(eight.wait.p99)} vs limit ${ms(1.5 * 8 * cycleMs)}`,
      met: eight.wait.p99 <= 1.5 * 8 * cycleMs,
    },
    {
      target: `${largest.held} held locks: one lease, ≤ 2 KB heap each`,
      measured: `${largest.leasesCreated} lease(s), ${largest.heapBytesPerLock.toFixed(0)} B each`,
      met: largest.leasesCreated <= 1 && largest.heapBytesPerLock <= 2048,
    },
    ...SHAPES.map((name) => shapeTarget(r, name)),
    {
      target: '@WithLock ≤ 1.05× LockService.withLock',
      measured: `${(median('ours: @WithLock method') / median('ours: LockService.withLock')).toFixed(3)}×`,
      met: median('ours: @WithLock method') / median('ours: LockService.withLock') <= 1.05,
    },
  ];
  for (const f of r.failover) {
    list.push({
      target: `failover ≤ ttl + 1 s (ttl ${f.ttl} s)`,
      measured: `${(f.ms / 1000).toFixed(2)} s`,
      met: f.ms <= (f.ttl + 1) * 1000,
    });
  }
  return list;
}

/** Each shape costs what the plain lock costs when uncontended: the same requests, about the same time. */
function shapeTarget(r: Omit<BenchResults, 'targets'>, name: string): Target {
  const plainName = 'ours: LockService acquire/release';
  const time = (n: string) => r.uncontended.find((u) => u.name === n)!.summary.median;
  const requests = (n: string) => r.roundTrips.find((t) => t.name === n)!.total;
  const ratio = time(name) / time(plainName);
  return {
    target: `${name}: same etcd requests as a plain lock, ≤ 1.15× its time`,
    measured: `${requests(name)} vs ${requests(plainName)} requests, ${ratio.toFixed(2)}×`,
    met: requests(name) <= requests(plainName) && ratio <= 1.15,
  };
}
