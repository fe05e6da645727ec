import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findFencingRegressions,
  findLostUpdates,
  findOverlaps,
  maxOverlap,
} from '../support/checkers.js';
import { etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';
import { runWorkers } from '../support/workers.js';

const PROCESSES = 3;
const CALLERS = 6;
const ITERATIONS = 6;
const KEYS = ['k1', 'k2'];

describe('mutual exclusion across processes and concurrent callers', () => {
  let etcd: Etcd3;
  beforeAll(() => {
    etcd = inspector();
  });
  afterAll(() => etcd.close());

  const counterTotal = async (run: string) => {
    const values = await Promise.all(
      KEYS.map((k) => etcd.get(`test-counter/${run}-${k}`).number()),
    );
    return values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  };

  it(`${PROCESSES} processes x ${CALLERS} callers x ${KEYS.length} keys: no overlap, increasing tokens, exact count`, async () => {
    const prefix = uniquePrefix('contention');
    const run = prefix.slice(0, -1);
    const { sections, pids } = await runWorkers(PROCESSES, {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      CALLERS: String(CALLERS),
      ITERATIONS: String(ITERATIONS),
      KEYS: KEYS.map((k) => `${run}-${k}`).join(','),
    });
    expect(new Set(pids).size).toBe(PROCESSES);
    expect(sections).toHaveLength(PROCESSES * CALLERS * ITERATIONS);
    expect(new Set(sections.map((s) => s.via))).toEqual(new Set(['decorator', 'service']));
    expect(findOverlaps(sections)).toEqual([]);
    expect(findFencingRegressions(sections)).toEqual([]);
    expect(findLostUpdates(sections)).toEqual([]);
    expect(await counterTotal(run)).toBe(sections.length);
    expect(await keysUnder(etcd, prefix)).toEqual([]);
  });

  it('the same checkers catch the race when the lock is switched off (negative control)', async () => {
    const prefix = uniquePrefix('control');
    const run = prefix.slice(0, -1);
    const { sections } = await runWorkers(PROCESSES, {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      CALLERS: String(CALLERS),
      ITERATIONS: String(ITERATIONS),
      KEYS: KEYS.map((k) => `${run}-${k}`).join(','),
      MODE: 'unlocked',
    });
    expect(findOverlaps(sections).length).toBeGreaterThan(0);
    expect(findLostUpdates(sections).length).toBeGreaterThan(0);
    expect(await counterTotal(run)).toBeLessThan(sections.length);
  });
});

describe('the lock shapes across processes', () => {
  let etcd: Etcd3;
  beforeAll(() => {
    etcd = inspector();
  });
  afterAll(() => etcd.close());

  it(`${PROCESSES} processes x ${CALLERS} callers take random subsets of 5 names in random order: no overlap, no deadlock, exact counts`, async () => {
    const prefix = uniquePrefix('multi');
    const run = prefix.slice(0, -1);
    const names = ['m1', 'm2', 'm3', 'm4', 'm5'].map((k) => `${run}-${k}`);
    const { sections } = await runWorkers(PROCESSES, {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      CALLERS: String(CALLERS),
      ITERATIONS: String(ITERATIONS),
      KEYS: names.join(','),
      MODE: 'multi',
    });
    // Finishing at all is the no-deadlock check: every acquisition waits at most 60 s.
    expect(sections.length).toBeGreaterThanOrEqual(PROCESSES * CALLERS * ITERATIONS);
    expect(findOverlaps(sections)).toEqual([]);
    expect(findFencingRegressions(sections)).toEqual([]);
    expect(findLostUpdates(sections)).toEqual([]);
    for (const name of names) {
      const count = await etcd.get(`test-counter/${name}`).number();
      expect(count ?? 0).toBe(sections.filter((s) => s.key === name).length);
    }
    expect(await keysUnder(etcd, prefix)).toEqual([]);
  });

  it(`a semaphore of 3 permits shared by ${PROCESSES} processes reaches 3 holders at once, never 4`, async () => {
    const prefix = uniquePrefix('semaphore');
    const { sections } = await runWorkers(PROCESSES, {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      CALLERS: String(CALLERS),
      ITERATIONS: String(ITERATIONS),
      KEYS: 'exports',
      MODE: 'semaphore',
    });
    expect(sections).toHaveLength(PROCESSES * CALLERS * ITERATIONS);
    expect(maxOverlap(sections)).toBe(3);
    expect(await keysUnder(etcd, prefix)).toEqual([]);
  });
});
