import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderService } from '../../lib/index.js';
import type { LeaderSection } from '../src/leader-worker.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';

const TTL = 2;

describe('a leader that stops, dies or freezes', () => {
  const workers: JsonLineWorker[] = [];
  afterEach(() => workers.splice(0).forEach((w) => w.dispose()));

  /** A worker process that leads `reports` on `prefix`, and a replica here waiting to. */
  async function leaderAndStandby(prefix: string) {
    const worker = await JsonLineWorker.start({
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      TTL: String(TTL),
    });
    workers.push(worker);
    const led = await worker.ask<{ term: string }>({
      op: 'campaign',
      name: 'reports',
      value: 'worker',
    });
    const app = await bootContext({ prefix, ttl: TTL });
    const etcd = inspector();
    const standby = app.get(LeaderService).campaign('reports', { value: 'standby' });
    // In line behind the worker's key before the fault.
    await expect.poll(() => keysUnder(etcd, `${prefix}reports/`).then((k) => k.length)).toBe(2);
    const close = async () => (await app.close(), etcd.close());
    return { worker, term: BigInt(led.term), app, standby, close };
  }

  it('graceful shutdown: the standby leads within 1 s', async () => {
    const { worker, term, standby, close } = await leaderAndStandby(uniquePrefix('lead-close'));
    const closedAt = performance.now();
    await worker.ask({ op: 'close' });
    const next = await standby;
    const handoverMs = performance.now() - closedAt;
    expect(next.term > term).toBe(true);
    expect(handoverMs).toBeLessThanOrEqual(1000);
    await next.resign();
    await close();
    recordFault({
      scenario: 'Elected leader shut down gracefully',
      invariant: 'the standby leads within 1 s, with a higher term',
      figure: `standby led ${(handoverMs / 1000).toFixed(2)} s after close() began`,
    });
  });

  it(`SIGKILL: the standby leads within ttl + 1 s (ttl ${TTL} s)`, async () => {
    const { worker, term, standby, close } = await leaderAndStandby(uniquePrefix('lead-kill'));
    const killedAt = performance.now();
    worker.kill('SIGKILL');
    const next = await standby;
    const handoverMs = performance.now() - killedAt;
    expect(next.term > term).toBe(true);
    expect(handoverMs).toBeLessThanOrEqual((TTL + 1) * 1000);
    await next.resign();
    await close();
    recordFault({
      scenario: 'Elected leader killed (SIGKILL)',
      invariant: `the standby leads within ttl + 1 s (ttl ${TTL} s), with a higher term`,
      figure: `standby led ${(handoverMs / 1000).toFixed(2)} s after the kill`,
    });
  });

  it('SIGSTOP past the TTL: the standby leads; on waking the old leader is told, and its fenced write fails', async () => {
    const prefix = uniquePrefix('lead-freeze');
    const { worker, term, standby, close } = await leaderAndStandby(prefix);
    const frozenAt = performance.now();
    worker.kill('SIGSTOP');
    const next = await standby;
    const handoverMs = performance.now() - frozenAt;
    worker.kill('SIGCONT');
    const write = await worker.ask<{ succeeded: boolean }>({
      op: 'leaderFencedWrite',
      key: `${prefix}resource`,
      value: 'stale',
    });
    const status = await worker.ask<{ aborted: boolean; reason: string; leads: boolean }>({
      op: 'leaderStatus',
    });
    expect(next.term > term).toBe(true);
    expect(write.succeeded).toBe(false);
    expect(status).toEqual({ aborted: true, reason: 'LockLostError', leads: false });
    await next.resign();
    await close();
    recordFault({
      scenario: 'Elected leader frozen (SIGSTOP > ttl)',
      invariant:
        'the standby leads with a higher term; the woken leader sees LockLostError and its fenced write is rejected',
      figure: `standby led ${(handoverMs / 1000).toFixed(2)} s after the freeze; stale fenced write rejected`,
    });
  });
});

/** Reads every line a worker prints, until it ends; `until` waits for a condition on them. */
function collect(worker: JsonLineWorker) {
  const lines: Record<string, unknown>[] = [];
  let ended = false;
  let changed: () => void = () => undefined;
  const done = (async () => {
    for (;;) {
      try {
        lines.push(await worker.next());
      } catch {
        ended = true; // the process exited: every line it wrote has been read
        return changed();
      }
      changed();
    }
  })();
  const until = async (ok: () => boolean): Promise<boolean> => {
    while (!ok()) {
      if (ended) return false;
      await new Promise<void>((resolve) => (changed = resolve));
    }
    return true;
  };
  const runs = () => lines.filter((line) => 'enter' in line) as unknown as LeaderSection[];
  return { worker, lines, runs, until, done };
}

describe('leader-only work across replicas', () => {
  it('runs on one replica at a time, with terms that only increase, through a leader kill', async () => {
    const prefix = uniquePrefix('lead-work');
    const env = { ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: prefix, TTL: String(TTL) };
    const workers = await Promise.all(
      [1, 2, 3].map(() => JsonLineWorker.start(env, 'leader-worker')),
    );
    const replicas = workers.map(collect);
    // Whichever replica leads runs the job 10 times; then it is killed mid-stream.
    const first = await Promise.race(
      replicas.map((r) => r.until(() => r.runs().length >= 10).then(() => r)),
    );
    first.worker.kill('SIGKILL');
    await first.done;
    const others = replicas.filter((r) => r !== first);
    // The next leader takes over once the dead one's lease expires: wait for 10 of its runs.
    await Promise.race(others.map((r) => r.until(() => r.runs().length >= 10)));
    for (const r of others) r.worker.send({ op: 'stop' });
    await Promise.all(others.map((r) => r.done));
    workers.forEach((w) => w.dispose());

    const ordered = replicas.flatMap((r) => r.runs()).sort((a, b) => a.enter - b.enter);
    const overlaps = ordered.filter((s, i) => i > 0 && s.enter < ordered[i - 1]!.exit);
    const regressions = ordered.filter(
      (s, i) => i > 0 && BigInt(s.term) < BigInt(ordered[i - 1]!.term),
    );
    const leaders = new Set(ordered.map((s) => s.pid));
    expect(overlaps).toEqual([]);
    expect(regressions).toEqual([]);
    expect(leaders.size).toBe(2);
    const errors = replicas.flatMap((r) => r.lines.filter((line) => 'error' in line));
    expect(errors).toEqual([]);
    recordFault({
      scenario: 'Leader-only work, leader killed',
      invariant: 'at most one replica runs leader-only work at a time; terms never decrease',
      figure: `${ordered.length} runs by ${leaders.size} replicas in turn; overlaps 0; term regressions 0`,
    });
  });
});

describe('a rolling deploy of @OnlyLeader replicas', () => {
  it('never runs the job on two replicas at once, with runs longer than the period', async () => {
    const prefix = uniquePrefix('rolling');
    const env = {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      TTL: '10',
      WORK_MS: '400',
      PERIOD_MS: '100',
    };
    const start = async () => collect(await JsonLineWorker.start(env, 'leader-worker'));
    const replicas = await Promise.all([1, 2, 3].map(start));
    const all = [...replicas];
    // Each step stops the replica that leads now (the worst case) and starts a new one, as a
    // rolling deploy does; the next leader must have run before the following step.
    for (let step = 0; step < 3; step++) {
      const runsNow = all.map((r) => r.runs().length);
      const leader = await Promise.race(
        replicas.map((r) =>
          r.until(() => r.runs().length > runsNow[all.indexOf(r)]!).then(() => r),
        ),
      );
      leader.worker.send({ op: 'stop' });
      replicas.splice(replicas.indexOf(leader), 1);
      const fresh = await start();
      replicas.push(fresh);
      all.push(fresh);
      await leader.done;
    }
    await Promise.race(replicas.map((r) => r.until(() => r.runs().length >= 3)));
    for (const r of replicas) r.worker.send({ op: 'stop' });
    await Promise.all(replicas.map((r) => r.done));
    all.forEach((r) => r.worker.dispose());

    const runs = all.flatMap((r) => r.runs());
    // Runs of one replica may overlap each other (the job is longer than its period); runs of
    // two replicas must not.
    const overlaps = runs.flatMap((a) =>
      runs.filter((b) => a.pid < b.pid && a.enter < b.exit && b.enter < a.exit),
    );
    const leaders = new Set(runs.map((s) => s.pid));
    expect(overlaps).toEqual([]);
    expect(leaders.size).toBeGreaterThanOrEqual(4);
    expect(all.flatMap((r) => r.lines.filter((line) => 'error' in line))).toEqual([]);
    recordFault({
      scenario: '@OnlyLeader through a rolling restart of 3 replicas',
      invariant:
        'the job runs on at most one replica at any moment; shutdown waits for the running job before resigning',
      figure: `3 leaders stopped in turn while their 400 ms runs (every 100 ms) were going; ${runs.length} runs by ${leaders.size} replicas; overlaps between replicas 0`,
    });
  });
});
