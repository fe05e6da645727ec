import { ETCD_LOCK_BACKEND } from '../../lib/etcd-lock.constants.js';
import type { LockBackend } from '../../lib/lock/lock-backend.interface.js';
import type { INestApplicationContext } from '@nestjs/common';
import { once } from 'node:events';
import { firstValueFrom, tap } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidLockArgumentError,
  type LockEventKind,
  type LockInfo,
  LeaderService,
  LockLostError,
  LockService,
} from '../../lib/index.js';
import { BACKENDS, replicaSet, uniquePrefix, useLockApp } from '../support/lock-app.js';

const event = (locks: LockService, kind: LockEventKind, key: string) =>
  firstValueFrom(locks.events$.pipe(filter((e) => e.kind === kind && e.key === key)));

describe.each(BACKENDS)('inspecting and force-releasing locks (%s backend)', (kind) => {
  const prefix = uniquePrefix(`inspect-${kind}`);
  const replicas = replicaSet(kind, { prefix, ttl: 6 });
  let apps: INestApplicationContext[];
  let a: LockService;
  let b: LockService;

  beforeAll(async () => {
    apps = await Promise.all([replicas.context(), replicas.context()]);
    [a, b] = apps.map((app) => app.get(LockService)) as [LockService, LockService];
  });
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('names the holder and the waiters in queue order: owner, since, token, lease left', async () => {
    const before = Date.now();
    const holder = await a.acquire('seat:1');
    // One after the other, so that the queue order is known.
    const waiters = [];
    for (const locks of [b, a]) {
      const queued = event(locks, 'lock.queued', 'seat:1');
      waiters.push(locks.acquire('seat:1'));
      await queued;
    }
    const info = await b.inspect('seat:1');
    expect(info.name).toBe('seat:1');
    expect(info.holders).toHaveLength(1);
    const [held] = info.holders;
    expect(held).toMatchObject({ token: holder.fencingToken, mode: 'write', permits: 1 });
    expect(held!.etcdKey).toBe(holder.etcdKey);
    expect(held!.key).toBe(held!.etcdKey); // the deprecated name, kept for one minor version
    expect(held!.owner).toBe(`${held!.hostname}/${process.pid}`);
    expect(held!.since!.getTime()).toBeGreaterThanOrEqual(before);
    expect(held!.ttlRemaining).toBeGreaterThan(0);
    expect(held!.ttlRemaining).toBeLessThanOrEqual(6);
    expect(info.waiters).toHaveLength(2);
    expect(info.waiters[0]!.token < info.waiters[1]!.token).toBe(true);
    await holder.release();
    await (await waiters[0]!).release();
    await (await waiters[1]!).release();
    await expect(a.inspect('seat:1')).resolves.toEqual({
      name: 'seat:1',
      holders: [],
      waiters: [],
    });
  });

  it('reports each shape by its rule: readers share, a semaphore lets its permits in', async () => {
    const readers = await Promise.all([
      a.acquire('shelf', { mode: 'read' }),
      b.acquire('shelf', { mode: 'read' }),
    ]);
    const permits = await Promise.all([1, 2].map(() => a.acquire('pool', { permits: 2 })));
    const queued = event(b, 'lock.queued', 'pool');
    const third = b.acquire('pool', { permits: 2 });
    await queued;
    const [shelf, pool] = await a
      .list({ prefix: '' })
      .then((all) => ['shelf', 'pool'].map((n) => all.find((info) => info.name === n)!));
    expect(shelf!.holders.map((h) => h.mode)).toEqual(['read', 'read']);
    expect(pool!.holders).toHaveLength(2);
    expect(pool!.waiters.map((w) => w.permits)).toEqual([2]);
    await Promise.all([...readers, ...permits].map((l) => l.release()));
    await (await third).release();
  });

  it('lists only the names under a prefix', async () => {
    const locks = await Promise.all([a.acquire('tenant:1'), a.acquire('tenant:2'), a.acquire('x')]);
    const names = (await b.list({ prefix: 'tenant:' })).map((info) => info.name);
    expect(names).toEqual(['tenant:1', 'tenant:2']);
    await Promise.all(locks.map((l) => l.release()));
  });

  it('force-releases under contention: the holder is told why, the waiter gets in, nothing else is lost', async () => {
    const stuck = await a.acquire('deploy');
    const other = await a.acquire('unrelated');
    const queued = event(b, 'lock.queued', 'deploy');
    const waiter = b.acquire('deploy', { waitTimeout: 10_000 });
    await queued;
    const audit = event(b, 'lock.force-released', 'deploy');
    const released = await b.forceRelease('deploy', { reason: 'stuck after deploy' });
    expect(released.map((e) => e.token)).toEqual([stuck.fencingToken]);
    if (!stuck.signal.aborted) await once(stuck.signal, 'abort');
    expect(stuck.signal.reason).toBeInstanceOf(LockLostError);
    expect((stuck.signal.reason as LockLostError).reason).toBe(
      'released by an operator: stuck after deploy',
    );
    const next = await waiter;
    expect(next.fencingToken > stuck.fencingToken).toBe(true);
    await expect(audit).resolves.toMatchObject({
      reason: 'stuck after deploy',
      fencingTokens: [stuck.fencingToken],
    });
    expect(other.held).toBe(true);
    await Promise.all([next.release(), other.release(), stuck.release()]);
  });

  it('shows an election: the leader as its holder, the candidates as its waiters', async () => {
    const leadership = await apps[0]!.get(LeaderService).campaign('reports', { value: 'web-1' });
    const candidate = apps[1]!.get(LeaderService).campaign('reports', { value: 'web-2' });
    await expect.poll(async () => (await b.inspect('reports')).waiters.length).toBe(1);
    const info = await b.inspect('reports');
    expect(info.holders.map((h) => h.token)).toEqual([leadership.term]);
    await leadership.resign();
    const next = await candidate;
    expect((await b.inspect('reports')).holders.map((h) => h.token)).toEqual([next.term]);
    await next.resign();
  });

  it('answers a name nobody holds with empty lists, and releases nothing there', async () => {
    await expect(a.inspect('nobody')).resolves.toEqual({
      name: 'nobody',
      holders: [],
      waiters: [],
    });
    await expect(a.forceRelease('nobody', { reason: 'cleanup' })).resolves.toEqual([]);
  });

  it('refuses bad input with InvalidLockArgumentError', async () => {
    await expect(a.inspect('')).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(a.list({ prefix: 7 } as never)).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(a.list({ prefx: 'a' } as never)).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(a.list({ prefix: `${prefix}tenant:` })).rejects.toThrow(/pass "tenant:"/);
    await expect(a.forceRelease('x', {} as never)).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(a.forceRelease('x', { reason: ' ' })).rejects.toThrow(/audit trail/);
  });
});

describe('keys under the prefix that are not locks', () => {
  const prefix = uniquePrefix('foreign');
  const fx = useLockApp({ prefix });

  it('are never listed or force-released: a key without a lease is data, not a lock', async () => {
    await fx.etcd.put(`${prefix}settings/db-password`).value('s3cret');
    const lock = await fx.locks.acquire('deploy');
    const listed = await fx.locks.list();
    expect(listed.map((info) => [info.name, info.holders.map((h) => h.etcdKey)])).toEqual([
      ['deploy', [lock.etcdKey]],
    ]);
    expect(listed.flatMap((info) => info.holders.map((h) => h.owner))).not.toContain('s3cret');
    expect(await fx.locks.forceRelease('settings', { reason: 'cleanup' })).toEqual([]);
    expect(await fx.etcd.get(`${prefix}settings/db-password`).string()).toBe('s3cret');
    await lock.release();
  });
});

describe('a lock key that is not UTF-8, written by another client', () => {
  const prefix = uniquePrefix('bytes');
  const fx = useLockApp({ prefix });

  it('is listed with \\xNN escapes, and released by that escaped name', async () => {
    const lease = fx.etcd.lease(30, { autoKeepAlive: false });
    const raw = Buffer.concat([
      Buffer.from(`${prefix}job-`),
      Buffer.from([0xff]),
      Buffer.from('/1'),
    ]);
    await lease.put(raw).value('other-host/7');
    const listed = await fx.locks.list();
    expect(listed.map((info) => info.name)).toEqual(['job-\\xff']);
    const released = await fx.locks.forceRelease('job-\\xff', { reason: 'stuck' });
    expect(released.map((entry) => entry.owner)).toEqual(['other-host/7']);
    expect((await fx.etcd.get(raw).exec()).kvs).toEqual([]);
    await lease.revoke();
  });
});

describe('a prefix whose keys do not fit in one reply', () => {
  const prefix = uniquePrefix('large');
  const fx = useLockApp({ prefix });

  it('is listed page by page, past foreign values that fill more than the 4 MB a reply holds', async () => {
    const big = 'x'.repeat(1_200_000);
    for (const key of ['a', 'b', 'c', 'd']) await fx.etcd.put(`${prefix}blob/${key}`).value(big);
    const locks = await Promise.all(
      ['after', 'blob/inner', 'before'].map((n) => fx.locks.acquire(n)),
    );
    const listed = await fx.locks.list();
    expect(listed.map((info) => info.name)).toEqual(['after', 'before', 'blob/inner']);
    await Promise.all(locks.map((lock) => lock.release()));
    await fx.etcd.delete().prefix(`${prefix}blob/`);
  });
});

describe('many watchers of the lock list, as dashboard viewers are', () => {
  const prefix = uniquePrefix('viewers');
  const fx = useLockApp({ prefix });

  it('share one etcd watch and one read per change, and each gets the latest list', async () => {
    const backend = fx.app.get<LockBackend>(ETCD_LOCK_BACKEND);
    const reads = { watches: 0, lists: 0 };
    const watchEntries = backend.watchEntries.bind(backend);
    backend.watchEntries = (scope, minGapMs) => (
      reads.watches++,
      watchEntries(scope, minGapMs).pipe(tap(() => reads.lists++))
    );
    const seen: LockInfo[][][] = Array.from({ length: 50 }, () => []);
    const subscriptions = seen.map((lists) => fx.locks.watch().subscribe((l) => lists.push(l)));
    await expect.poll(() => seen.every((lists) => lists.length > 0)).toBe(true);
    const lock = await fx.locks.acquire('shown');
    await expect
      .poll(() => seen.every((lists) => lists.at(-1)?.some((i) => i.name === 'shown')))
      .toBe(true);
    subscriptions.forEach((s) => s.unsubscribe());
    expect(reads.watches).toBe(1);
    expect(reads.lists).toBeLessThanOrEqual(4); // the first list, and the change's (or two)
    const late = await firstValueFrom(fx.locks.watch());
    expect(late.map((i) => i.name)).toEqual(['shown']);
    await lock.release();
  });
});
