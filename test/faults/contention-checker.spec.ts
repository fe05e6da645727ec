import { describe, expect, it } from 'vitest';
import { findFencingRegressions, findLostUpdates, findOverlaps } from '../support/checkers.js';
import { recordFault } from '../support/fault-record.js';
import { etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';
import { runWorkers } from '../support/workers.js';

const PROCESSES = 4;
const CALLERS = 8;
const KEYS = 3;
const ITERATIONS = 8;

describe('contention checker', () => {
  it(`${PROCESSES} processes x ${CALLERS} callers x ${KEYS} keys`, async () => {
    const prefix = uniquePrefix('fault-contention');
    const run = prefix.slice(0, -1);
    const keys = Array.from({ length: KEYS }, (_, i) => `${run}-k${i}`);
    const { sections } = await runWorkers(PROCESSES, {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      CALLERS: String(CALLERS),
      ITERATIONS: String(ITERATIONS),
      KEYS: keys.join(','),
    });
    const etcd = inspector();
    const counters = await Promise.all(keys.map((k) => etcd.get(`test-counter/${k}`).number()));
    const leftover = await keysUnder(etcd, prefix);
    etcd.close();

    const overlaps = findOverlaps(sections);
    const regressions = findFencingRegressions(sections);
    const total = counters.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    expect(sections).toHaveLength(PROCESSES * CALLERS * ITERATIONS);
    expect(overlaps).toEqual([]);
    expect(regressions).toEqual([]);
    expect(findLostUpdates(sections)).toEqual([]);
    expect(total).toBe(sections.length);
    expect(leftover).toEqual([]);
    recordFault({
      scenario: 'Contention',
      invariant: 'no overlapping sections; fencing tokens strictly increase; final count exact',
      figure: `${sections.length} sections by ${PROCESSES}×${CALLERS} callers on ${KEYS} keys: overlaps ${overlaps.length}, token regressions ${regressions.length}, counter ${total}/${sections.length}`,
    });
  });
});
