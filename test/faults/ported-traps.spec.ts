import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderService, type Lock, LockService, LockTimeoutError } from '../../lib/index.js';
import type { LeaderSection } from '../src/leader-worker.js';
import { type CriticalSection, now } from '../src/critical-section.recorder.js';
import { findOverlaps } from '../support/checkers.js';
import { recordFault } from '../support/fault-record.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { bootContext, etcdHosts, inspector, uniquePrefix } from '../support/lock-app.js';

/** How long the holder keeps the lock after the fault: the window a wrong handoff would use. */
const HOLD_AFTER_FAULT_MS = 500;

/** Traps other lock and election clients fell into, staged on our API (each names its issue). */
describe('traps other clients fell into', () => {
  const prefix = uniquePrefix('traps');
  const etcd = inspector();
  let apps: INestApplicationContext[] = [];
  let [a, b, c]: LockService[] = [];
  beforeAll(async () => {
    apps = await Promise.all([1, 2, 3].map(() => bootContext({ prefix })));
    [a, b, c] = apps.map((app) => app.get(LockService));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    etcd.close();
  });

  /** The keys of `name`'s queue, oldest first. */
  const queue = (name: string) =>
    etcd.getAll().prefix(`${prefix}${name}/`).sort('Create', 'Ascend').keys();

  /** A section of `lock` that starts now and ends when `body` does. */
  async function section(name: string, via: string, lock: Lock, body: () => Promise<void>) {
    const enter = now();
    await body();
    const token = `${lock.fencingToken}`;
    return { key: name, enter, exit: now(), fencingToken: token, value: 0, pid: 0, via };
  }

  it.each([
    { label: 'plain lock (etcd3 #176)', middle: 'write', last: 'write' },
    {
      label: 'writer, reader in the middle, reader last (etcd #16221)',
      middle: 'read',
      last: 'read',
    },
    { label: 'writer, writer in the middle, reader last', middle: 'write', last: 'read' },
  ] as const)(
    'the middle of three leaves: the last still waits for the holder, $label',
    async ({ label, middle, last }) => {
      const name = `middle-${middle}-${last}`;
      const sections: CriticalSection[] = [];
      const holding = await a!.acquire(name);
      const leave = new AbortController();
      const second = b!.acquire(name, { mode: middle, signal: leave.signal });
      await expect.poll(() => queue(name)).toHaveLength(2);
      const third = c!.withLock(
        name,
        (lock) => section(name, 'last', lock, async () => undefined),
        {
          mode: last,
        },
      );
      await expect.poll(() => queue(name)).toHaveLength(3);
      leave.abort(); // it leaves the line: gives up, or its replica shuts down
      await expect(second).rejects.toBeInstanceOf(LockTimeoutError);
      await expect.poll(() => queue(name)).toHaveLength(2);
      sections.push(
        await section(
          name,
          'holder',
          holding,
          () => new Promise((r) => setTimeout(r, HOLD_AFTER_FAULT_MS)),
        ),
      );
      await holding.release();
      sections.push(await third);
      expect(findOverlaps(sections)).toEqual([]);
      recordFault({
        scenario: `Middle of three waiters leaves: ${label}`,
        invariant: 'the last waiter still waits for the holder, then gets in',
        figure: `holder held ${HOLD_AFTER_FAULT_MS} ms after the middle one left; the last entered ${(sections[1]!.enter - sections[0]!.exit).toFixed(1)} ms after the release; overlaps 0`,
      });
    },
  );

  it('keeps waiting correctly when etcd compacts past the revision the waiter read (etcd #9715)', async () => {
    const name = 'compacted';
    const holding = await a!.acquire(name);
    const sections: CriticalSection[] = [];
    const waiting = b!.withLock(name, (lock) =>
      section(name, 'waiter', lock, async () => undefined),
    );
    await expect.poll(() => queue(name)).toHaveLength(2);
    for (let i = 0; i < 20; i++) await etcd.put(`${prefix}churn/${i}`).value('x');
    await etcd.delete().prefix(`${prefix}churn/`);
    const { header } = await etcd.get(`${prefix}churn/0`).exec();
    await etcd.kv.compact({ revision: header.revision, physical: true });
    sections.push(await section(name, 'holder', holding, async () => undefined));
    await holding.release();
    sections.push(await waiting);
    expect(findOverlaps(sections)).toEqual([]);
    expect(await queue(name)).toEqual([]);
    recordFault({
      scenario: 'Compaction past the waiter’s revision mid-wait (etcd #9715)',
      invariant: 'the waiter is served after the holder leaves, and never beside it',
      figure: `compacted to revision ${header.revision} while it waited; served ${(sections[1]!.enter - sections[0]!.exit).toFixed(1)} ms after the release; overlaps 0`,
    });
  });
});

describe('leadership force-released again and again', () => {
  it('keeps every replica campaigning: 5 releases in a row, some mid-campaign, one leader after each', async () => {
    const prefix = uniquePrefix('force-lead');
    const env = { ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: prefix, TTL: '10' };
    const workers = await Promise.all(
      [1, 2, 3].map(() => JsonLineWorker.start(env, 'leader-worker')),
    );
    const runs: LeaderSection[] = [];
    const reading = workers.map(async (w) => {
      for (;;) {
        const line = await w.next().catch(() => undefined);
        if (!line) return;
        if ('enter' in line) runs.push(line as unknown as LeaderSection);
      }
    });
    const app = await bootContext({ prefix });
    const locks = app.get(LockService);
    const leaders = app.get(LeaderService);
    try {
      const terms: bigint[] = [];
      for (let i = 0; i < 5; i++) {
        const before = await waitForLeader(leaders, terms.at(-1) ?? 0n);
        terms.push(before);
        await locks.forceRelease('reports', { reason: `trap ${i}` });
        // Every other time, release again at once: the next candidate is mid-campaign.
        if (i % 2 === 1) await locks.forceRelease('reports', { reason: `trap ${i}, again` });
      }
      terms.push(await waitForLeader(leaders, terms.at(-1)!));
      const afterLast = runs.length;
      await expect.poll(() => runs.length, { timeout: 15_000 }).toBeGreaterThan(afterLast + 3);
      const ordered = [...runs].sort((x, y) => x.enter - y.enter);
      const overlaps = ordered.filter(
        (s, i) => i > 0 && s.pid !== ordered[i - 1]!.pid && s.enter < ordered[i - 1]!.exit,
      );
      const increasing = terms.every((t, i) => i === 0 || t > terms[i - 1]!);
      expect(overlaps).toEqual([]);
      expect(increasing).toBe(true);
      recordFault({
        scenario: 'Leadership force-released 5 times in a row, also mid-campaign',
        invariant:
          'every replica keeps campaigning; one leads after each release, with a higher term',
        figure: `terms ${terms.join(' → ')}; ${runs.length} leader-only runs by ${new Set(runs.map((r) => r.pid)).size} replicas; overlaps 0`,
      });
    } finally {
      for (const w of workers) w.send({ op: 'stop' });
      await Promise.all(reading);
      workers.forEach((w) => w.dispose());
      await app.close();
    }
  });
});

/** Resolves with the term of the first leader whose term is above `after`. */
async function waitForLeader(leaders: LeaderService, after: bigint): Promise<bigint> {
  const observed = leaders.observe('reports');
  return new Promise<bigint>((resolve, reject) => {
    const sub = observed.subscribe({
      next: (leader) => {
        if (leader && leader.term > after) {
          sub.unsubscribe();
          resolve(leader.term);
        }
      },
      error: reject,
    });
  });
}
