import type { INestApplicationContext } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Lock,
  type LockEvent,
  LockService,
  PermitsMismatchError,
  SelfDeadlockError,
} from '../../lib/index.js';
import { maxOverlap, overlapsOfWriters } from '../support/checkers.js';
import { BACKENDS, inspector, keysUnder, replicaSet, uniquePrefix } from '../support/lock-app.js';

const queuedOn = (locks: LockService, key: string) =>
  firstValueFrom(
    locks.events$.pipe(filter((e: LockEvent) => e.kind === 'lock.queued' && e.key === key)),
  );

/** A promise's state right now, without waiting for it. */
const settledYet = async (promise: Promise<unknown>) => {
  const marker = Symbol('pending');
  const first = await Promise.race([promise.then(() => 'settled'), Promise.resolve(marker)]);
  return first !== marker;
};

describe.each(BACKENDS)('lock shapes on the %s backend', (kind) => {
  const prefix = uniquePrefix(`shapes-${kind}`);
  const replicas = replicaSet(kind, { prefix, ttl: 5 });
  const etcd = inspector();
  let apps: INestApplicationContext[];
  let a: LockService;
  let b: LockService;
  let c: LockService;

  /** Keys left under a name: in etcd, every key; in memory, every held entry. */
  const leftovers = async (under: string) =>
    replicas.store
      ? replicas.store.heldKeys().filter((name) => name.startsWith(under))
      : keysUnder(etcd, `${prefix}${under}`);

  beforeAll(async () => {
    apps = await Promise.all([replicas.context(), replicas.context(), replicas.context()]);
    [a, b, c] = apps.map((app) => app.get(LockService)) as [LockService, LockService, LockService];
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    etcd.close();
  });

  describe('several names', () => {
    it('takes every name or none, with one fencing token shared by all of them', async () => {
      const x = await a.acquire('acct:x');
      const queued = queuedOn(b, 'acct:y, acct:x');
      const both = b.acquire(['acct:y', 'acct:x']);
      await queued;
      expect(await settledYet(both)).toBe(false);
      await x.release();
      const lock = await both;
      expect(lock.keys).toEqual(['acct:y', 'acct:x']);
      expect(lock.key).toBe('acct:y, acct:x');
      expect(lock.fencingToken).toBeGreaterThan(x.fencingToken);
      await expect(c.tryAcquire('acct:x')).resolves.toBeNull();
      await expect(c.tryAcquire('acct:y')).resolves.toBeNull();
      await lock.release();
      const after = await c.tryAcquire(['acct:x', 'acct:y']);
      expect(after?.fencingToken).toBeGreaterThan(lock.fencingToken);
      await after!.release();
    });

    it('never deadlocks when one caller takes [x, y] and another [y, x], many times at once', async () => {
      const counts = { x: 0, y: 0 };
      const inside = { x: 0, y: 0 };
      let overlaps = 0;
      const transfer = (locks: LockService, order: ('x' | 'y')[]) =>
        locks.withLock(
          order.map((n) => `pair:${n}`),
          async () => {
            for (const n of order) if (++inside[n] > 1) overlaps++;
            const read = { ...counts };
            await new Promise((resolve) => setImmediate(resolve));
            for (const n of order) counts[n] = read[n] + 1;
            for (const n of order) inside[n]--;
          },
          { waitTimeout: 20_000 },
        );
      const runs = Array.from({ length: 20 }, (_, i) =>
        i % 2 ? transfer(a, ['x', 'y']) : transfer(b, ['y', 'x']),
      );
      await Promise.all(runs);
      expect(overlaps).toBe(0);
      expect(counts).toEqual({ x: 20, y: 20 });
    });

    it('counts as held for each of its names in its async context: nested takes are reentrant', async () => {
      await a.withLock(['re:x', 're:y'], async (outer) => {
        const inner = await a.acquire('re:y');
        expect(inner.reentrant).toBe(true);
        expect(inner.fencingToken).toBe(outer.fencingToken);
        expect(a.current('re:x')).toBe(outer);
      });
    });

    it('runs parallel reentrant calls under one held lock one at a time, in call order', async () => {
      const log: string[] = [];
      let inside = 0;
      let most = 0;
      const adjust = (sku: string) =>
        a.withLock('inventory', async () => {
          most = Math.max(most, ++inside);
          log.push(`${sku} start`);
          // A nested call from a reentrant body waits for no sibling of its own: no deadlock.
          await a.withLock('inventory', () => Promise.resolve());
          log.push(`${sku} end`);
          inside--;
        });
      await a.withLock('inventory', () => Promise.all([adjust('a'), adjust('b'), adjust('c')]));
      expect(most).toBe(1);
      expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    });

    it('refuses at once to wait for names of which its own context holds only some', async () => {
      await a.withLock('partial:x', async () => {
        await expect(a.acquire(['partial:x', 'partial:y'])).rejects.toBeInstanceOf(
          SelfDeadlockError,
        );
      });
      const after = await b.tryAcquire(['partial:x', 'partial:y']);
      expect(after?.held).toBe(true);
      await after!.release();
    });
  });

  describe('a semaphore', () => {
    it('lets exactly `permits` callers hold at once and serves the next in FIFO order', async () => {
      const holders = await Promise.all([
        a.acquire('exports', { permits: 3 }),
        b.acquire('exports', { permits: 3 }),
        c.acquire('exports', { permits: 3 }),
      ]);
      expect(holders.map((h) => h.permits)).toEqual([3, 3, 3]);
      await expect(a.tryAcquire('exports', { permits: 3 })).resolves.toBeNull();
      const order: number[] = [];
      const waiters: Promise<Lock>[] = [];
      for (let i = 0; i < 3; i++) {
        const locks = [a, b, c][i]!;
        const queued = queuedOn(locks, 'exports');
        const waiter = locks.acquire('exports', { permits: 3 });
        waiters.push(waiter.then((lock) => (order.push(i), lock)));
        await queued;
      }
      for (const holder of holders) {
        const served = order.length;
        await holder.release();
        await waiters[served];
        expect(order).toEqual([0, 1, 2].slice(0, served + 1));
      }
      await Promise.all(waiters.map(async (w) => (await w).release()));
    });

    it('reaches exactly `permits` concurrent holders across replicas, and never more', async () => {
      const intervals: { enter: number; exit: number }[] = [];
      const work = (locks: LockService) =>
        locks.withLock(
          'render',
          async () => {
            const enter = performance.now();
            await new Promise((resolve) => setTimeout(resolve, 20));
            intervals.push({ enter, exit: performance.now() });
          },
          { permits: 3 },
        );
      await Promise.all(Array.from({ length: 18 }, (_, i) => work([a, b, c][i % 3]!)));
      expect(intervals).toHaveLength(18);
      expect(maxOverlap(intervals)).toBe(3);
    });

    it('refuses permits that disagree with a holder, naming both, and leaves nothing', async () => {
      const holder = await a.acquire('pool', { permits: 3 });
      const mismatch = b.acquire('pool', { permits: 5 });
      await expect(mismatch).rejects.toBeInstanceOf(PermitsMismatchError);
      await expect(mismatch).rejects.toMatchObject({ permits: 5, queuedPermits: 3 });
      await expect(b.acquire('pool')).rejects.toThrow(/semaphore of 3 permits/);
      await holder.release();
      const next = await b.acquire('pool', { permits: 5 });
      await next.release();
      await expect(leftovers('pool/')).resolves.toEqual([]);
    });
  });

  describe('a read-write lock', () => {
    it('lets readers share, holds a writer until they leave, and queues later readers behind it', async () => {
      const r1 = await a.acquire('catalog', { mode: 'read' });
      const r2 = await b.acquire('catalog', { mode: 'read' });
      expect([r1.mode, r2.mode]).toEqual(['read', 'read']);
      const writerQueued = queuedOn(c, 'catalog');
      const writer = c.acquire('catalog');
      await writerQueued;
      // A reader that comes after the writer is not let in ahead of it (no writer starvation).
      await expect(a.tryAcquire('catalog', { mode: 'read' })).resolves.toBeNull();
      const lateQueued = queuedOn(a, 'catalog');
      const late = a.acquire('catalog', { mode: 'read' });
      await lateQueued;
      await r1.release();
      expect(await settledYet(writer)).toBe(false);
      await r2.release();
      const w = await writer;
      expect(w.mode).toBe('write');
      expect(await settledYet(late)).toBe(false);
      await w.release();
      const reader = await late;
      expect(reader.fencingToken).toBeGreaterThan(w.fencingToken);
      await reader.release();
    });

    it('never lets a writer overlap anyone, while readers do overlap', async () => {
      const sections: { enter: number; exit: number; writer: boolean }[] = [];
      const visit = (locks: LockService, writer: boolean) =>
        locks.withLock(
          'shelf',
          async () => {
            const enter = performance.now();
            await new Promise((resolve) => setTimeout(resolve, writer ? 5 : 15));
            sections.push({ enter, exit: performance.now(), writer });
          },
          { mode: writer ? 'write' : 'read' },
        );
      const runs = Array.from({ length: 30 }, (_, i) => visit([a, b, c][i % 3]!, i % 5 === 0));
      await Promise.all(runs);
      expect(sections).toHaveLength(30);
      expect(overlapsOfWriters(sections)).toEqual([]);
      expect(maxOverlap(sections.filter((s) => !s.writer))).toBeGreaterThan(1);
    });

    it('gives writers increasing tokens, so a store can refuse a writer that lost its lock', async () => {
      let newest = 0n;
      const store = (token: bigint) => (token > newest ? ((newest = token), true) : false);
      const stale = await a.acquire('doc');
      await stale.release(); // as if its lease had expired while it was paused
      const fresh = await b.acquire('doc');
      expect(store(fresh.fencingToken)).toBe(true);
      expect(store(stale.fencingToken)).toBe(false);
      await fresh.release();
    });

    it('treats a nested read under a write as reentrant, and refuses a write under a read', async () => {
      await a.withLock('nest', async () => {
        const inner = await a.acquire('nest', { mode: 'read' });
        expect(inner.reentrant).toBe(true);
      });
      await a.withLock(
        'nest',
        async () => {
          await expect(a.acquire('nest')).rejects.toThrow(SelfDeadlockError);
        },
        { mode: 'read' },
      );
    });
  });

  it('leaves no key behind once every holder has released', async () => {
    const held: Lock[] = [];
    held.push(await a.acquire(['left:1', 'left:2'], { mode: 'read' }));
    held.push(await b.acquire('left:3', { permits: 2 }));
    await Promise.all(held.map((l) => l.release()));
    await expect(leftovers('')).resolves.toEqual([]);
  });
});
