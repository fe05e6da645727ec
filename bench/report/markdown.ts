import type { ContendedPoint } from '../workloads/contended.workload.js';
import type { ManyKeysResult } from '../workloads/many-keys.workload.js';
import { ms, ratio, type Summary } from '../stats.js';
import type { RoundTrips } from '../workloads/round-trips.workload.js';

export interface BenchResults {
  machine: string;
  mode: string;
  uncontended: { name: string; summary: Summary }[];
  uncontendedIterations: number;
  roundTrips: RoundTrips[];
  contended: ContendedPoint[];
  contendedDurationMs: number;
  manyKeys: ManyKeysResult[];
  failover: { ttl: number; ms: number }[];
  targets: { target: string; measured: string; met: boolean }[];
}

export const LABELS: Record<string, string> = {
  ours: 'ours (LockService)',
  etcd3: 'etcd3 Lock + 10 ms polling',
  seed: 'seed recipe (1 s retry)',
};

/** Static notes on what the numbers mean; the figures above and below come from the run. */
const READING = [
  '## Reading these numbers',
  '',
  '- The whole benchmark (its parent, the worker processes and etcd) shares two cores, so small',
  '  differences move between runs; compare ratios within one run.',
  '- A contended handoff costs about eight etcd messages (enqueue transaction, watch create, a',
  '  confirming read, the delete event, a queue read, the get + put of the section, the release),',
  '  against four for an uncontended cycle. On two cores that, not waiting, bounds the rate.',
  "- etcd3's `Lock` with polling reaches a similar rate by being unfair: whoever just released",
  '  usually takes the lock again at once (tiny median wait, max ÷ median around 100), while the',
  '  others starve. FIFO spreads the waits (max ÷ median of a few), which is the point of a queue.',
  "- The seed recipe's 1 s retry shows in its p99 and max waits: waiters sleep through free locks.",
  '- Waits still open when a measuring window closed are counted as lower bounds.',
  '',
];

export function markdown(r: BenchResults): string {
  const floor = r.uncontended[0]!.summary.median;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (${r.mode}). ${r.machine}. Every contender ran against the same`,
    'throwaway single-member etcd, in the same run, so ratios are comparable even on a noisy machine.',
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    ...READING,
    `## 1. Uncontended acquire + release (${r.uncontendedIterations} sequential cycles each)`,
    '',
    '| contender | median | p99 | max | median ÷ raw floor |',
    '|---|---|---|---|---|',
    ...r.uncontended.map(
      ({ name, summary: s }) =>
        `| ${name} | ${ms(s.median)} | ${ms(s.p99)} | ${ms(s.max)} | ${ratio(s.median, floor)} |`,
    ),
    '',
    '### etcd requests per uncontended acquire + release',
    '',
    "Counted from etcd's own `/metrics` (unary KV calls) over 50 sequential cycles of a free lock.",
    '',
    '| contender | requests per cycle | by method |',
    '|---|---|---|',
    ...r.roundTrips.map(
      (t) =>
        `| ${t.name} | ${t.total} | ${Object.entries(t.perCycle)
          .map(([method, n]) => `${method} ${n}`)
          .join(', ')} |`,
    ),
    '',
    `## 2. Contended single key (${r.contendedDurationMs / 1000} s per point; section = get + put)`,
    '',
    '![handoffs/s and p99 wait vs contenders](bench-contended.svg)',
    '',
    '| contender | contenders | processes | handoffs/s | wait p50 | wait p99 | wait max | fairness (max ÷ p50) |',
    '|---|---|---|---|---|---|---|---|',
    ...r.contended.map(
      (p) =>
        `| ${LABELS[p.kind]} | ${p.contenders} | ${p.processes} | ${p.handoffsPerSecond.toFixed(0)} | ${ms(p.wait.median)} | ${ms(p.wait.p99)} | ${ms(p.wait.max)} | ${p.fairness.toFixed(1)} |`,
    ),
    '',
    '## 3. Many keys held at once by one process',
    '',
    '| locks held | acquires/s | etcd keys created | leases created | heap per held lock |',
    '|---|---|---|---|---|',
    ...r.manyKeys.map(
      (m) =>
        `| ${m.held} | ${m.acquiresPerSecond.toFixed(0)} | ${m.keysCreated} | ${m.leasesCreated} | ${m.heapBytesPerLock.toFixed(0)} B |`,
    ),
    '',
    '## 5. Failover: SIGKILL of the holder to the next waiter holding the lock',
    '',
    '| ttl | recovery |',
    '|---|---|',
    ...r.failover.map((f) => `| ${f.ttl} s | ${(f.ms / 1000).toFixed(2)} s |`),
    '',
  ];
  return out.join('\n');
}
