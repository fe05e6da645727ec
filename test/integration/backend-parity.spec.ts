import { once } from 'node:events';
import type { INestApplicationContext } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Lock,
  JobsService,
  type LockEventKind,
  LockLostError,
  LockService,
  LockTimeoutError,
} from '../../lib/index.js';
import { findFencingRegressions, findLostUpdates, findOverlaps } from '../support/checkers.js';
import {
  BACKENDS,
  inspector,
  replicaSet,
  revokeLeaseOf,
  uniquePrefix,
} from '../support/lock-app.js';
import { CriticalSectionRecorder } from '../src/critical-section.recorder.js';
import { LedgerService } from '../src/ledger.service.js';
import { NightlyReportJob } from '../src/nightly-report.job.js';

const nextEvent = (locks: LockService, kind: LockEventKind, key: string) =>
  firstValueFrom(locks.events$.pipe(filter((e) => e.kind === kind && e.key === key)));

describe.each(BACKENDS)('the %s backend', (kind) => {
  const replicas = replicaSet(kind, { prefix: uniquePrefix(`parity-${kind}`), ttl: 5 });
  const etcd = inspector();
  let apps: INestApplicationContext[];
  let a: LockService;
  let b: LockService;

  /** Takes the lock away from its holder as a lease expiry would. */
  const loseHold = (lock: Lock) =>
    replicas.store ? replicas.store.loseLock(lock.key) : revokeLeaseOf(etcd, lock);

  beforeAll(async () => {
    apps = await Promise.all([replicas.context(), replicas.context(), replicas.context()]);
    [a, b] = apps.map((app) => app.get(LockService)) as [LockService, LockService];
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    etcd.close();
  });

  it('runs a @OncePerTick tick on the first replica only, and both read the same history', async () => {
    const [first, second] = apps.map((app) => app.get(NightlyReportJob));
    expect(await first!.run()).toBe('report sent');
    expect(await second!.run()).toBeUndefined();
    expect([first!.ran, second!.ran]).toEqual([1, 0]);
    const [fromA, fromB] = await Promise.all(
      apps.slice(0, 2).map((app) => app.get(JobsService).runs('nightly-report')),
    );
    expect(fromA).toEqual(fromB);
    expect(fromA!.map((r) => r.outcome)).toEqual(['ok']);
  });

  it('serves waiters from two replicas in the order they queued (FIFO)', async () => {
    const holder = await a.acquire('fifo');
    const order: number[] = [];
    const waiters: Promise<void>[] = [];
    for (let i = 0; i < 6; i++) {
      const locks = i % 2 ? a : b;
      const queued = nextEvent(locks, 'lock.queued', 'fifo');
      waiters.push(locks.withLock('fifo', () => void order.push(i)));
      await queued;
    }
    await holder.release();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('times out a waiter and leaves nothing behind that blocks the next caller', async () => {
    const holder = await a.acquire('timeout');
    await expect(b.acquire('timeout', { waitTimeout: 100 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    await holder.release();
    const next = await b.tryAcquire('timeout');
    expect(next?.held).toBe(true);
    await next!.release();
  });

  it("tryAcquire returns null while another replica holds the lock, and 'throw' rejects", async () => {
    const holder = await a.acquire('busy');
    await expect(b.tryAcquire('busy')).resolves.toBeNull();
    await expect(b.acquire('busy', { waitTimeout: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    await holder.release();
  });

  it('nests names like etcd prefixes: a holder of a/b holds back a, not the reverse', async () => {
    const child = await a.acquire('tree/leaf');
    await expect(b.tryAcquire('tree')).resolves.toBeNull();
    await child.release();
    const parent = await a.acquire('tree');
    const leaf = await b.tryAcquire('tree/leaf');
    expect(leaf?.held).toBe(true);
    await Promise.all([parent.release(), leaf!.release()]);
  });

  it('keeps three replicas exclusive: no overlap, increasing tokens, exact count', async () => {
    const key = `parity-${Date.now()}`;
    const ledgers = apps.map((app) => app.get(LedgerService));
    await Promise.all(
      ledgers.flatMap((ledger) => Array.from({ length: 8 }, () => ledger.incrementDecorated(key))),
    );
    const sections = apps
      .flatMap((app) => app.get(CriticalSectionRecorder).sections)
      .filter((s) => s.key === key);
    expect(sections).toHaveLength(24);
    expect(findOverlaps(sections)).toEqual([]);
    expect(findFencingRegressions(sections)).toEqual([]);
    expect(findLostUpdates(sections)).toEqual([]);
    expect(Math.max(...sections.map((s) => s.value))).toBe(24);
  });

  it('reports a lost lock: signal, held, withLock rejection, event; the waiter moves on', async () => {
    const lostEvent = nextEvent(a, 'lock.lost', 'loss');
    const outcome = a.withLock('loss', async (lock) => {
      const waiter = b.acquire('loss');
      await loseHold(lock);
      if (!lock.signal.aborted) await once(lock.signal, 'abort');
      expect(lock.held).toBe(false);
      (await waiter).release();
      return 'finished';
    });
    await expect(outcome).rejects.toBeInstanceOf(LockLostError);
    expect((await lostEvent).kind).toBe('lock.lost');
  });

  it('emits acquired, queued, waited, released, skipped and failed events', async () => {
    const seen = firstValueFrom(
      a.events$.pipe(
        filter((e) => e.key === 'events'),
        take(7),
        toArray(),
      ),
    );
    const first = await a.acquire('events');
    const queued = nextEvent(a, 'lock.queued', 'events');
    const second = a.acquire('events');
    await queued;
    const skipped = nextEvent(b, 'lock.skipped', 'events'); // each service reports its own callers
    await expect(b.tryAcquire('events')).resolves.toBeNull();
    await skipped;
    await first.release();
    await (await second).release();
    await expect(
      a.acquire('events', { waitTimeout: 0, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(LockTimeoutError);
    const events = await seen;
    const kinds = events.map((e) => e.kind);
    // The first holder's 'released' and the waiter's wake-up race over the network (the delete's
    // reply against the watch event), so only the orders each caller sees are fixed.
    expect([...kinds.slice(0, 6)].sort()).toEqual(
      ['acquired', 'acquired', 'queued', 'released', 'released', 'waited']
        .map((k) => `lock.${k}`)
        .sort(),
    );
    const at = (what: string, nth = 0) => kinds.indexOf(`lock.${what}` as LockEventKind, nth);
    expect(at('acquired')).toBe(0);
    expect(at('queued')).toBe(1);
    expect(at('waited')).toBeLessThan(at('acquired', 1));
    expect(at('released')).toBeGreaterThan(at('queued'));
    expect(kinds[5]).toBe('lock.released');
    expect(kinds[6]).toBe('lock.failed');
  });

  it('holdAtLeast keeps the lock after fast work, so a later tick on another replica skips', async () => {
    const released = nextEvent(a, 'lock.released', 'tick');
    await a.withLock('tick', () => 'fast', { holdAtLeast: 400 });
    await expect(b.tryAcquire('tick')).resolves.toBeNull();
    const event = await released;
    expect(event.kind === 'lock.released' && event.heldMs).toBeGreaterThanOrEqual(400);
  });
});
