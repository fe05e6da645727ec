import type { ContendedPoint } from '../workloads/contended.workload.js';
import type { ManyKeysResult } from '../workloads/many-keys.workload.js';
import { ms, ratio, type Summary } from '../stats.js';
import type { RoundTrips } from '../workloads/round-trips.workload.js';
import type { HandoffResult } from '../workloads/handoff.workload.js';
import type { HeldLocksPoint } from '../workloads/held-locks.workload.js';
import type { IndependentKeysPoint } from '../workloads/independent-keys.workload.js';
import type { QueueLengthPoint } from '../workloads/queue-length.workload.js';
import {
  handoffSection,
  heldSection,
  independentSection,
  queueSection,
  redisSection,
} from './scaling.markdown.js';

export interface BenchResults {
  machine: string;
  mode: string;
  uncontended: { name: string; summary: Summary }[];
  uncontendedIterations: number;
  roundTrips: RoundTrips[];
  independent: IndependentKeysPoint[];
  contended: ContendedPoint[];
  contendedDurationMs: number;
  manyKeys: ManyKeysResult[];
  handoff: HandoffResult;
  queue: QueueLengthPoint[];
  held: HeldLocksPoint[];
  failover: { ttl: number; ms: number }[];
  targets: { target: string; measured: string; met: boolean }[];
}

export const LABELS: Record<string, string> = {
  ours: 'ours (LockService)',
  etcd3: 'etcd3 Lock + 10 ms polling',
  seed: 'seed recipe (1 s retry)',
  redlock: 'Redis + redlock (10 ms retry)',
};

/** Static notes on what the numbers mean; the figures above and below come from the run. */
const READING = [
  '## Reading these numbers',
  '',
  '- The whole benchmark (its parent, the worker processes, etcd and redis-server) shares two',
  '  cores, so figures move between runs; compare ratios within one run.',
  '- The protocol floor sends our two requests (the enqueue transaction, the delete) with no',
  '  library around them: the gap from raw put+delete to it is what etcd charges for a',
  '  transaction. The guarded floor adds what the library runs for its guarantees, still with',
  '  no library code: a deadline on every request (a silent member is left within',
  '  `callTimeout`) and a watch of every delete under the prefix (a holder learns that its key',
  "  went, a waiter that its queue ahead left). The gap from it to ours is this library's own CPU.",
  '- A contended handoff costs the delete, its watch event, and, unless the waiter found the',
  '  deleted entry at the head of the queue when it last read it, one read to confirm that',
  '  nothing else is ahead; then the section. A waiter behind several others pays that read.',
  "- etcd3's `Lock` with polling, and redlock, reach their rates by being unfair: whoever just",
  '  released usually takes the lock again at once (tiny median wait, max ÷ median around 100),',
  '  while the others starve. FIFO spreads the waits (max ÷ median of a few). The old target',
  '  "2× the handoffs/s of etcd3 polling" is retired for that reason: a rate bought by starving',
  '  waiters is not one to chase. Fairness and latency are the figures that matter.',
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
    ...independentSection(r.independent),
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
    'Each worker first contends for 300 ms on a key of its own, so these are the waits of',
    "contention, not of a process's first lock (its connections, lease and watch).",
    '',
    '| contender | contenders | processes | handoffs/s | wait p50 | wait p99 | wait max | fairness (max ÷ p50) |',
    '|---|---|---|---|---|---|---|---|',
    ...r.contended.map(
      (p) =>
        `| ${LABELS[p.kind]} | ${p.contenders} | ${p.processes} | ${p.handoffsPerSecond.toFixed(0)} | ${ms(p.wait.median)} | ${ms(p.wait.p99)} | ${ms(p.wait.max)} | ${p.fairness.toFixed(1)} |`,
    ),
    '',
    ...redisSection(r.uncontended, r.contended, r.independent),
    '## 3. Many keys held at once by one process',
    '',
    '| locks held | acquires/s | etcd keys created | leases created | heap per held lock |',
    '|---|---|---|---|---|',
    ...r.manyKeys.map(
      (m) =>
        `| ${m.held} | ${m.acquiresPerSecond.toFixed(0)} | ${m.keysCreated} | ${m.leasesCreated} | ${m.heapBytesPerLock.toFixed(0)} B |`,
    ),
    '',
    ...handoffSection(r.handoff),
    ...queueSection(r.queue),
    ...heldSection(r.held),
    '## 5. Failover: SIGKILL of the holder to the next waiter holding the lock',
    '',
    '| ttl | recovery |',
    '|---|---|',
    ...r.failover.map((f) => `| ${f.ttl} s | ${(f.ms / 1000).toFixed(2)} s |`),
    '',
  ];
  return out.join('\n');
}
