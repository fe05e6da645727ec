import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFencingRegressions, findLostUpdates, findOverlaps } from './support/checkers.js';
import { etcdHosts, inspector, keysUnder, uniquePrefix } from './support/lock-app.js';
import { runWorkers } from './support/workers.js';

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
