import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startEtcd } from '../tools/etcd/etcd-process.js';
import { findEtcd } from '../tools/etcd/find-etcd.js';
import { findRedis, startRedis } from '../tools/redis/redis-process.js';
import { type Contender } from './contenders/contender.js';
import { CONTENDER_KINDS, type ContenderKind, createContender } from './contenders/index.js';
import { type BenchResults, LABELS, markdown } from './report/markdown.js';
import { scaleSectionOf, withScaleSection } from './report/scale.markdown.js';
import { queueChart } from './report/scaling.markdown.js';
import { contendedChart } from './report/svg-chart.js';
import { targets } from './report/targets.js';
import { contendedPoint, type ContendedPoint } from './workloads/contended.workload.js';
import { failover } from './workloads/failover.workload.js';
import { handoff } from './workloads/handoff.workload.js';
import { heldLocks } from './workloads/held-locks.workload.js';
import {
  independentKeys,
  type IndependentKeysPoint,
} from './workloads/independent-keys.workload.js';
import { manyKeys } from './workloads/many-keys.workload.js';
import { queueLength } from './workloads/queue-length.workload.js';
import { roundTrips } from './workloads/round-trips.workload.js';
import { uncontended } from './workloads/uncontended.workload.js';
import { log, runBench } from './bench-main.js';

/**
 * `npm run bench [-- --quick]`: every contender on the same etcd (and redis-server), in the
 * same run. A full run rewrites docs/benchmarks.md and exits 1 when a target is missed; the
 * quick run (under 2 minutes, for CI) only reports.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const etcd = process.env.ETCD_HOSTS ? undefined : await startEtcd();
  const hosts = process.env.ETCD_HOSTS ?? etcd!.endpoint;
  const redis = await startRedis();
  process.env.REDIS_ENDPOINT = redis.endpoint; // for the contended workers
  try {
    const results = await runAll(hosts, redis.endpoint, quick, etcd?.pid);
    console.log(markdown(results));
    if (!quick) {
      mkdirSync('docs', { recursive: true });
      // The scale section comes from `npm run bench:scale`: kept as it was.
      const kept = existsSync(DOC) ? scaleSectionOf(readFileSync(DOC, 'utf8')) : undefined;
      writeFileSync(DOC, withScaleSection(markdown(results), kept));
      writeFileSync('docs/bench-contended.svg', contendedChart(results.contended, LABELS));
      writeFileSync('docs/bench-queue.svg', queueChart(results.queue));
      console.log('wrote docs/benchmarks.md, docs/bench-contended.svg and docs/bench-queue.svg');
    }
    const missed = results.targets.filter((t) => !t.met);
    for (const t of missed) console.error(`TARGET MISSED: ${t.target}: ${t.measured}`);
    if (missed.length > 0 && !quick) process.exitCode = 1;
  } finally {
    await etcd?.stop();
    await redis.stop();
  }
}

const DOC = 'docs/benchmarks.md';

/** The etcd contenders whose requests are counted: the floors, the plain lock and each shape. */
const COUNTED: readonly ContenderKind[] = [
  'raw',
  'protocol',
  'ours',
  'ours-multi',
  'ours-semaphore',
  'ours-read',
];
const INDEPENDENT: readonly ContenderKind[] = [
  'raw',
  'protocol',
  'guarded',
  'ours-unbatched',
  'ours',
  'redlock',
];

async function runAll(
  hosts: string,
  redis: string,
  quick: boolean,
  etcdPid?: number,
): Promise<BenchResults> {
  const contenders = new Map<ContenderKind, Contender>();
  for (const kind of CONTENDER_KINDS)
    contenders.set(kind, await createContender(kind, hosts, redis));
  const iterations = quick ? 300 : 1000;
  const summaries = await uncontended([...contenders.values()], iterations);
  const trips = await roundTrips(
    hosts,
    COUNTED.map((k) => contenders.get(k)!),
  );
  const independent: IndependentKeysPoint[] = [];
  for (const callers of quick ? [8, 64] : [1, 8, 64, 256]) {
    const list = INDEPENDENT.map((k) => contenders.get(k)!);
    independent.push(...(await independentKeys(list, callers, quick ? 1500 : 6000, 4, etcdPid)));
    log(`independent keys x ${callers}`);
  }
  await Promise.all([...contenders.values()].map((c) => c.close()));
  log('workload 1 done');

  const durationMs = quick ? 1000 : 3000;
  const contended: ContendedPoint[] = [];
  for (const kind of ['ours', 'etcd3', 'seed', 'redlock'] as ContenderKind[]) {
    for (const n of quick ? [1, 8] : [1, 2, 4, 8, 16, 32]) {
      contended.push(await contendedPoint(hosts, kind, n, 1, durationMs));
      if (n >= 4 && (!quick || kind === 'ours')) {
        contended.push(await contendedPoint(hosts, kind, n, 4, durationMs));
      }
      log(`workload 2: ${kind} x ${n}`);
    }
  }
  const many = [];
  for (const count of quick ? [10_000] : [1000, 10_000]) many.push(await manyKeys(hosts, count));
  log('workload 3 done');
  const passes = await handoff(hosts, quick ? 150 : 500);
  const queue = [];
  for (const n of quick ? [1, 10, 100] : [1, 10, 100, 1000])
    queue.push(await queueLength(hosts, n));
  const held = [];
  for (const n of quick ? [0, 10_000] : [0, 10_000, 100_000]) held.push(await heldLocks(hosts, n));
  log('workload 4 done');
  const failovers = [];
  for (const ttl of quick ? [2] : [2, 5, 10])
    failovers.push({ ttl, ms: await failover(hosts, ttl) });
  log('workload 5 done');

  const results = {
    machine: machineFacts(),
    mode: quick ? 'quick mode' : 'full run',
    uncontended: [...contenders.values()].map((c) => ({
      name: c.name,
      summary: summaries.get(c.name)!,
    })),
    uncontendedIterations: iterations,
    roundTrips: trips,
    independent,
    contended,
    contendedDurationMs: durationMs,
    manyKeys: many,
    handoff: passes,
    queue,
    held,
    failover: failovers,
  };
  return { ...results, targets: targets(results) };
}

function machineFacts(): string {
  const etcdVersion = execFileSync(findEtcd().etcd, ['--version'], { encoding: 'utf8' }).split(
    '\n',
  )[0];
  const redisVersion = execFileSync(findRedis(), ['--version'], { encoding: 'utf8' }).trim();
  return `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${etcdVersion}, ${redisVersion.split(' ').slice(0, 3).join(' ')}`;
}

runBench(main);
