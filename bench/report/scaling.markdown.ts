import { ms, type Summary } from '../stats.js';
import type { ContendedPoint } from '../workloads/contended.workload.js';
import type { HandoffResult } from '../workloads/handoff.workload.js';
import type { HeldLocksPoint } from '../workloads/held-locks.workload.js';
import type { IndependentKeysPoint } from '../workloads/independent-keys.workload.js';
import type { QueueLengthPoint } from '../workloads/queue-length.workload.js';
import { lineChart } from './line-chart.js';

const RAW = 'raw put+delete (floor)';
const OURS = 'ours: LockService acquire/release';
const REDLOCK = 'Redis + redlock (10 ms retry)';

const us = (value: number) => `${value.toFixed(0)} µs`;

export function independentSection(points: readonly IndependentKeysPoint[]): string[] {
  const rawRate = (callers: number) =>
    points.find((p) => p.callers === callers && p.name === RAW)!.cyclesPerSecond;
  return [
    '## Independent keys: many callers, each on its own key (a lock per order id)',
    '',
    'Callers in one process; contenders alternate in short slices. Throughput is acquire+release',
    'cycles per second of all callers together. CPU is per cycle: this process (the client) and',
    'the etcd process. The two share the two cores, so their sum, not round trips, sets the rate.',
    "A cycle is one caller's acquire+release. With group commit (the default), callers coming",
    'together share one etcd transaction: the last column says how many, on average and at most.',
    '',
    '| callers | contender | cycles/s | ÷ raw put+delete | client CPU | etcd CPU | cycle p50 / p99 | callers per request |',
    '|---|---|---|---|---|---|---|---|',
    ...points.map(
      (p) =>
        `| ${p.callers} | ${p.name} | ${p.cyclesPerSecond.toFixed(0)} | ${(p.cyclesPerSecond / rawRate(p.callers)).toFixed(2)}× | ${us(p.clientCpuUs)} | ${p.etcdCpuUs === undefined ? '–' : us(p.etcdCpuUs)} | ${ms(p.cycle.median)} / ${ms(p.cycle.p99)} | ${p.batch ? `${p.batch.mean.toFixed(1)} / ${p.batch.largest}` : '–'} |`,
    ),
    '',
  ];
}

export function handoffSection(h: HandoffResult): string[] {
  const row = (name: string, s: Summary) =>
    `| ${name} | ${ms(s.median)} | ${ms(s.p99)} | ${ms(s.max)} | ${(s.median / h.rawPut.median).toFixed(2)}× |`;
  return [
    '## 4. Handoff between two replicas',
    '',
    "From the start of the holder's `release()` to the waiter (another app, client and lease)",
    'holding the lock. The floor is one write: the watch event comes with the delete.',
    '',
    '| measure | median | p99 | max | median ÷ one raw put |',
    '|---|---|---|---|---|',
    row('handoff', h.handoff),
    row('one raw put (after the same idle)', h.rawPut),
    '',
  ];
}

export function queueSection(points: readonly QueueLengthPoint[]): string[] {
  return [
    '### Scaling with queue length (one key)',
    '',
    '![handoff and enqueue vs waiters](bench-queue.svg)',
    '',
    '| waiters | handoff median | handoff p99 | enqueue (`tryAcquire` on the busy key) median | p99 |',
    '|---|---|---|---|---|',
    ...points.map(
      (p) =>
        `| ${p.waiters} | ${ms(p.handoff.median)} | ${ms(p.handoff.p99)} | ${ms(p.enqueue.median)} | ${ms(p.enqueue.p99)} |`,
    ),
    '',
  ];
}

export function queueChart(points: readonly QueueLengthPoint[]): string {
  return lineChart('cost per waiter count, median (lower is better)', 'waiters on one key', [
    {
      label: 'handoff',
      color: '#2563eb',
      points: points.map((p) => [p.waiters, p.handoff.median]),
    },
    {
      label: 'enqueue + delete (tryAcquire)',
      color: '#dc2626',
      points: points.map((p) => [p.waiters, p.enqueue.median]),
    },
  ]);
}

export function heldSection(points: readonly HeldLocksPoint[]): string[] {
  return [
    '### Scaling with locks held in the same prefix',
    '',
    'One replica holds the locks; another takes and releases a free key 300 times.',
    '',
    '| locks held | acquire+release median | p99 | RSS per held lock | CPU per acquisition | CPU while only holding |',
    '|---|---|---|---|---|---|',
    ...points.map(
      (p) =>
        `| ${p.held} | ${ms(p.cycle.median)} | ${ms(p.cycle.p99)} | ${p.held ? `${(p.rssBytesPerLock / 1024).toFixed(1)} KB` : '–'} | ${p.held ? ms(p.cpuMsPerAcquire) : '–'} | ${p.idleCpuMsPerSecond.toFixed(1)} ms/s |`,
    ),
    '',
  ];
}

/** What each one promises when a node fails: the column the speed figures must be read with. */
const ON_FAILOVER = {
  ours: 'Raft: a write is acknowledged once a majority has it on disk, so a failover keeps every held lock; a lock is lost only when its lease expires, and the holder is told (`signal`, `LockLostError`); fencing tokens let a store refuse a stale holder.',
  redlock:
    'One redis-server, no fsync (as measured): a restart forgets every lock, and with a replica, an acknowledged lock can vanish on failover (replication is asynchronous), so two holders at once. No fencing token; a holder learns of expiry only if it checks.',
};

export function redisSection(
  uncontended: readonly { name: string; summary: Summary }[],
  contended: readonly ContendedPoint[],
  independent: readonly IndependentKeysPoint[],
): string[] {
  const u = (name: string) => uncontended.find((c) => c.name === name)!.summary;
  const c8 = (kind: string) =>
    contended.find((p) => p.kind === kind && p.contenders === 8 && p.processes === 1)!;
  const ind = (name: string) =>
    independent.find((p) => p.name === name && p.callers === 64)?.cyclesPerSecond ?? NaN;
  const row = (label: string, name: string, kind: 'ours' | 'redlock') => {
    const p = c8(kind);
    return `| ${label} | ${ms(u(name).median)} | ${p.handoffsPerSecond.toFixed(0)} | ${ms(p.wait.median)} / ${ms(p.wait.p99)} / ${ms(p.wait.max)} | ${ind(name).toFixed(0)} | ${ON_FAILOVER[kind]} |`;
  };
  return [
    '## Side by side: Redis with redlock',
    '',
    'Same machine, same run, same critical section (get + put of a counter in etcd).',
    '',
    '| | uncontended median | 8 contenders: handoffs/s | wait p50 / p99 / max | 64 independent keys: cycles/s | on failover |',
    '|---|---|---|---|---|---|',
    row('ours (etcd)', OURS, 'ours'),
    row('Redis + redlock', REDLOCK, 'redlock'),
    '',
    'Where the comparison is unfair, and to whom:',
    '',
    '- redis-server keeps everything in memory and answers from one thread; etcd writes each',
    '  acquisition to its Raft log and fsyncs it before answering. The uncontended and',
    '  independent-key rows measure that difference more than either library.',
    '- redlock does not queue: a waiter retries every 10–20 ms. Under contention whoever just',
    '  released often takes the lock again, so its handoff rate is high while its p99 and max',
    '  waits show the waiters it skipped. Ours hands the lock over in arrival order.',
    '- The redlock figures are for one redis-server. Redlock proper (3 or 5 independent',
    '  masters) costs a round trip to each and a majority of them for every acquisition.',
    '',
  ];
}
