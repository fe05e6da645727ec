import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startEtcd } from '../tools/etcd/etcd-process.js';
import { findEtcd } from '../tools/etcd/find-etcd.js';
import { type Contender } from './contenders/contender.js';
import { CONTENDER_KINDS, type ContenderKind, createContender } from './contenders/index.js';
import { type BenchResults, LABELS, markdown } from './report/markdown.js';
import { contendedChart } from './report/svg-chart.js';
import { ms } from './stats.js';
import { contendedPoint, type ContendedPoint } from './workloads/contended.workload.js';
import { failover } from './workloads/failover.workload.js';
import { manyKeys } from './workloads/many-keys.workload.js';
import { roundTrips } from './workloads/round-trips.workload.js';
import { uncontended } from './workloads/uncontended.workload.js';

/** `npm run bench [-- --quick]`: every contender on the same etcd, in the same run. */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const etcd = process.env.ETCD_HOSTS ? undefined : await startEtcd();
  const hosts = process.env.ETCD_HOSTS ?? etcd!.endpoint;
  try {
    const results = await runAll(hosts, quick);
    const report = markdown(results);
    console.log(report);
    if (!quick) {
      mkdirSync('docs', { recursive: true });
      writeFileSync('docs/benchmarks.md', report);
      writeFileSync('docs/bench-contended.svg', contendedChart(results.contended, LABELS));
      console.log('wrote docs/benchmarks.md and docs/bench-contended.svg');
    }
  } finally {
    await etcd?.stop();
  }
}

async function runAll(hosts: string, quick: boolean): Promise<BenchResults> {
  // Order matters: the targets read floor, ours, withLock, decorator and etcd3 by index.
  const contenders: Contender[] = [];
  for (const kind of CONTENDER_KINDS) contenders.push(await createContender(kind, hosts));
  const iterations = quick ? 300 : 1000;
  const summaries = await uncontended(contenders, iterations);
  const counted = contenders.filter((c) => ROUND_TRIP_KINDS.includes(kindOf(contenders, c)));
  const trips = await roundTrips(hosts, counted).finally(() =>
    Promise.all(contenders.map((c) => c.close())),
  );
  const uncontendedRows = contenders.map((c) => ({
    name: c.name,
    summary: summaries.get(c.name)!,
  }));
  log(`workload 1 done`);

  const durationMs = quick ? 1000 : 3000;
  const counts = quick ? [1, 8, 32] : [1, 2, 4, 8, 16, 32];
  const contended: ContendedPoint[] = [];
  for (const kind of ['ours', 'etcd3', 'seed'] as ContenderKind[]) {
    for (const n of counts) {
      contended.push(await contendedPoint(hosts, kind, n, 1, durationMs));
      if (n >= 4 && (!quick || kind === 'ours')) {
        contended.push(await contendedPoint(hosts, kind, n, 4, durationMs));
      }
      log(`workload 2: ${kind} x ${n}`);
    }
  }
  const many = [];
  for (const count of quick ? [1000] : [1000, 10_000]) many.push(await manyKeys(hosts, count));
  log('workload 3 done');
  const failovers = [];
  for (const ttl of quick ? [2] : [2, 5, 10])
    failovers.push({ ttl, ms: await failover(hosts, ttl) });
  log('workload 5 done');

  return {
    machine: machineFacts(),
    mode: quick ? 'quick mode' : 'full run',
    uncontended: uncontendedRows,
    uncontendedIterations: iterations,
    roundTrips: trips,
    contended,
    contendedDurationMs: durationMs,
    manyKeys: many,
    failover: failovers,
    targets: targets(uncontendedRows, trips, contended, many, failovers),
  };
}

/** Each shape costs what the plain lock costs when uncontended: the same requests, about the same time. */
function shapeTargets(
  rows: BenchResults['uncontended'],
  trips: BenchResults['roundTrips'],
): BenchResults['targets'] {
  const plain = trips.find((t) => t.name === rows[1]!.name)!;
  return rows.slice(6).map((row) => {
    const counted = trips.find((t) => t.name === row.name)!;
    const time = row.summary.median / rows[1]!.summary.median;
    return {
      target: `${row.name}: same etcd requests as a plain lock, ≤ 1.15× its time`,
      measured: `${counted.total} vs ${plain.total} requests, ${time.toFixed(2)}×`,
      met: counted.total <= plain.total && time <= 1.15,
    };
  });
}

function targets(
  rows: BenchResults['uncontended'],
  trips: BenchResults['roundTrips'],
  contended: ContendedPoint[],
  many: BenchResults['manyKeys'],
  failovers: BenchResults['failover'],
): BenchResults['targets'] {
  const median = (i: number) => rows[i]!.summary.median;
  const point = (kind: string, n: number) =>
    contended.find((p) => p.kind === kind && p.contenders === n && p.processes === 1);
  const ours1 = point('ours', 1)!;
  const ours8 = point('ours', 8)!;
  const etcd8 = point('etcd3', 8)!;
  const cycleMs = 1000 / ours1.handoffsPerSecond;
  const largest = many.at(-1)!;
  const list: BenchResults['targets'] = [
    {
      target: 'uncontended acquire+release ≤ 1.3× raw put+delete',
      measured: `${(median(1) / median(0)).toFixed(2)}× (etcd3 Lock: ${(median(4) / median(0)).toFixed(2)}×)`,
      met: median(1) / median(0) <= 1.3,
    },
    {
      target: '8 contenders, one process: handoffs/s ≥ 0.7× uncontended cycle rate',
      measured: `${(ours8.handoffsPerSecond / ours1.handoffsPerSecond).toFixed(2)}× (${ours8.handoffsPerSecond.toFixed(0)} vs ${ours1.handoffsPerSecond.toFixed(0)}/s)`,
      met: ours8.handoffsPerSecond >= 0.7 * ours1.handoffsPerSecond,
    },
    {
      target: '8 contenders: handoffs/s ≥ 2× etcd3 Lock + polling',
      measured: `${(ours8.handoffsPerSecond / etcd8.handoffsPerSecond).toFixed(2)}×`,
      met: ours8.handoffsPerSecond >= 2 * etcd8.handoffsPerSecond,
    },
    {
      target: '8 contenders: p99 wait ≤ 1.5 × (8 × median cycle)',
      measured: `${ms(ours8.wait.p99)} vs limit ${ms(1.5 * 8 * cycleMs)}`,
      met: ours8.wait.p99 <= 1.5 * 8 * cycleMs,
    },
    {
      target: `${largest.held} held locks: one lease, ≤ 2 KB heap each`,
      measured: `${largest.leasesCreated} lease(s), ${largest.heapBytesPerLock.toFixed(0)} B each`,
      met: largest.leasesCreated <= 1 && largest.heapBytesPerLock <= 2048,
    },
    ...shapeTargets(rows, trips),
    {
      target: '@WithLock ≤ 1.05× LockService.withLock',
      measured: `${(median(3) / median(2)).toFixed(3)}×`,
      met: median(3) / median(2) <= 1.05,
    },
  ];
  for (const f of failovers) {
    list.push({
      target: `failover ≤ ttl + 1 s (ttl ${f.ttl} s)`,
      measured: `${(f.ms / 1000).toFixed(2)} s`,
      met: f.ms <= (f.ttl + 1) * 1000,
    });
  }
  return list;
}

/** The contenders whose etcd requests are counted: the floor, the plain lock and each shape. */
const ROUND_TRIP_KINDS: readonly ContenderKind[] = [
  'raw',
  'ours',
  'ours-multi',
  'ours-semaphore',
  'ours-read',
];

function kindOf(contenders: readonly Contender[], contender: Contender): ContenderKind {
  return CONTENDER_KINDS[contenders.indexOf(contender)]!;
}

function machineFacts(): string {
  const etcdVersion = execFileSync(findEtcd().etcd, ['--version'], { encoding: 'utf8' }).split(
    '\n',
  )[0];
  return `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${etcdVersion}`;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
