import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { CriticalSection } from '../src/critical-section.recorder.js';
import { findFencingRegressions, findLostUpdates, findOverlaps } from '../support/checkers.js';
import { recordFault } from '../support/fault-record.js';
import { etcdHosts, inspector, keysUnder, leaseCount, uniquePrefix } from '../support/lock-app.js';

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);

interface SoakWorker {
  child: ChildProcess;
  rss: number[];
  exited: Promise<unknown>;
}

describe('soak: mixed load on 4 processes with random kills', () => {
  it(
    `${SOAK_SECONDS} s: no overlap, memory flat, no leaked keys or leases`,
    { timeout: (SOAK_SECONDS + 120) * 1000 },
    async () => {
      const prefix = uniquePrefix('soak');
      const run = prefix.slice(0, -1);
      const keys = [`${run}-a`, `${run}-b`, `${run}-c`];
      const etcd = inspector();
      const leasesBefore = await leaseCount(etcd);
      const sections: CriticalSection[] = [];
      const spawnWorker = async (): Promise<SoakWorker> => {
        const child = spawn(process.execPath, ['build/test/src/soak-worker.js'], {
          env: {
            ...process.env,
            ETCD_HOSTS: etcdHosts(),
            LOCK_PREFIX: prefix,
            KEYS: keys.join(','),
            CALLERS: '4',
          },
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        const worker: SoakWorker = { child, rss: [], exited: once(child, 'exit') };
        const ready = new Promise<void>((resolve) => {
          createInterface({ input: child.stdout! }).on('line', (line) => {
            const message = JSON.parse(line) as {
              section?: CriticalSection;
              rss?: number;
              ready?: boolean;
            };
            if (message.section) sections.push(message.section);
            if (message.rss) worker.rss.push(message.rss);
            if (message.ready) resolve();
          });
        });
        await ready;
        return worker;
      };

      // Workers 0 and 1 live throughout (their memory is what "flat" is about); 2 and 3 get killed.
      const workers = await Promise.all(Array.from({ length: 4 }, spawnWorker));
      const endAt = Date.now() + SOAK_SECONDS * 1000;
      let kills = 0;
      while (Date.now() < endAt) {
        await sleep(Math.min(endAt - Date.now(), 3_000 + Math.random() * 7_000)); // the fault schedule
        if (Date.now() >= endAt) break;
        const victim = 2 + Math.floor(Math.random() * 2);
        workers[victim]!.child.kill('SIGKILL');
        await workers[victim]!.exited;
        kills++;
        workers[victim] = await spawnWorker();
      }
      for (const w of workers) w.child.stdin!.end('stop\n');
      await Promise.all(workers.map((w) => w.exited));
      expect(workers.every((w) => w.child.exitCode === 0)).toBe(true);

      const counters = await Promise.all(keys.map((k) => etcd.get(`test-counter/${k}`).number()));
      const total = counters.reduce<number>((a, b) => a + (b ?? 0), 0);
      expect(findOverlaps(sections)).toEqual([]);
      expect(findFencingRegressions(sections)).toEqual([]);
      expect(findLostUpdates(sections)).toEqual([]);
      // A worker killed between its write and its report adds one uncounted increment.
      expect(total).toBeGreaterThanOrEqual(sections.length);
      expect(total).toBeLessThanOrEqual(sections.length + kills);
      // Killed workers' leases expire by themselves (TTL 5 s); nothing else may remain.
      await expect
        .poll(() => keysUnder(etcd, prefix), { timeout: 15_000, interval: 500 })
        .toEqual([]);
      await expect
        .poll(() => leaseCount(etcd), { timeout: 15_000, interval: 500 })
        .toBe(leasesBefore);

      const survivors = workers.slice(0, 2).map((w) => {
        const warm = w.rss[Math.min(w.rss.length - 1, Math.floor(w.rss.length / 10))]!;
        return { start: warm, end: w.rss.at(-1)! };
      });
      for (const s of survivors) expect(s.end).toBeLessThan(s.start * 1.5 + 32 * 2 ** 20);
      etcd.close();
      const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
      recordFault({
        scenario: 'Soak',
        invariant:
          'no overlap, tokens increase, count within kills, RSS flat, no leaked keys or leases',
        figure: `${SOAK_SECONDS} s, ${sections.length} sections, ${kills} kills; overlaps 0; lost updates 0; keys leaked 0; leases leaked 0; RSS ${survivors.map((s) => `${mb(s.start)} → ${mb(s.end)}`).join(', ')}`,
      });
    },
  );
});
