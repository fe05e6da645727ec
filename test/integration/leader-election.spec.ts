import type { INestApplicationContext } from '@nestjs/common';
import { filter, firstValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidLockArgumentError,
  type LeaderInfo,
  LeaderService,
  LockLostError,
  LockService,
  LockTimeoutError,
} from '../../lib/index.js';
import { BACKENDS, inspector, replicaSet, uniquePrefix } from '../support/lock-app.js';

/** The first emission that satisfies `ok`. */
const until = (leaders: Observable<LeaderInfo | undefined>, ok: (l?: LeaderInfo) => boolean) =>
  firstValueFrom(leaders.pipe(filter(ok)));

describe.each(BACKENDS)('leader election (%s backend)', (kind) => {
  const prefix = uniquePrefix('election');
  const replicas = replicaSet(kind, { prefix });
  /** What an expired lease or an operator does to the leader's key. */
  const dropLeaderKey = async (name: string) => {
    if (replicas.store) return void replicas.store.loseLock(name);
    const etcd = inspector();
    await etcd.delete().prefix(`${prefix}${name}/`);
    etcd.close();
  };
  let apps: INestApplicationContext[];
  let [a, b, c]: LeaderService[] = [];
  beforeAll(async () => {
    apps = await Promise.all([replicas.context(), replicas.context(), replicas.context()]);
    [a, b, c] = apps.map((app) => app.get(LeaderService));
  });
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('lets one replica lead while the others wait, then hands over with a higher term', async () => {
    const first = await a!.campaign('reports', { value: 'replica-a' });
    const second = b!.campaign('reports', { value: 'replica-b' });
    expect(a!.isLeader('reports')).toBe(true);
    expect(b!.isLeader('reports')).toBe(false);
    await expect(b!.leader('reports')).resolves.toEqual({ value: 'replica-a', term: first.term });

    await first.resign();
    const next = await second;
    expect(next.term > first.term).toBe(true);
    expect(a!.isLeader('reports')).toBe(false);
    expect(b!.isLeader('reports')).toBe(true);
    await expect(a!.leader('reports')).resolves.toEqual({ value: 'replica-b', term: next.term });
    await next.resign();
    await expect(a!.leader('reports')).resolves.toBeUndefined();
  });

  it('answers a second campaign by the leader at once, with the same term and the new proposal', async () => {
    const first = await a!.campaign('twice', { value: 'first' });
    const again = await a!.campaign('twice', { value: 'second' });
    expect(again.term).toBe(first.term);
    expect(again.isLeader).toBe(true);
    await expect(b!.leader('twice')).resolves.toEqual({ value: 'second', term: first.term });
    const plain = await a!.campaign('twice'); // no value given: the proposal stays
    expect(plain.value).toBe('second');
    await again.resign();
    await expect(b!.leader('twice')).resolves.toBeUndefined();
  });

  it('observe() emits the leader, a new proposal, the next leader, and nobody', async () => {
    const seen = a!.observe('feed').pipe(take(4), toArray());
    const collected = firstValueFrom(seen);
    await until(a!.observe('feed'), (l) => l === undefined);
    const first = await b!.campaign('feed', { value: 'b-1' });
    await until(a!.observe('feed'), (l) => l?.value === 'b-1');
    await first.proclaim('b-2');
    const queued = firstValueFrom(
      apps[2]!.get(LockService).events$.pipe(filter((e) => e.kind === 'lock.queued')),
    );
    const waiting = c!.campaign('feed', { value: 'c-1' });
    await queued; // in line behind b, so the resignation hands straight over
    await first.resign();
    const second = await waiting;
    await until(a!.observe('feed'), (l) => l?.value === 'c-1');
    await second.resign();
    expect(await collected).toEqual([
      undefined,
      { value: 'b-1', term: first.term },
      { value: 'b-2', term: first.term },
      { value: 'c-1', term: second.term },
    ]);
    await expect(a!.leader('feed')).resolves.toBeUndefined();
  });

  it('keeps the last candidate waiting when the middle one gives up (etcd3 #176)', async () => {
    const leader = await a!.campaign('middle');
    const giveUp = new AbortController();
    const middle = b!.campaign('middle', { signal: giveUp.signal });
    const last = c!.campaign('middle', { value: 'last' });
    giveUp.abort();
    await expect(middle).rejects.toBeInstanceOf(LockTimeoutError);
    // Only the leader's resignation may let the last one in.
    expect(c!.isLeader('middle')).toBe(false);
    await expect(c!.leader('middle')).resolves.toMatchObject({ term: leader.term });
    await leader.resign();
    const taken = await last;
    expect(taken.term > leader.term).toBe(true);
    await taken.resign();
  });

  it('tells a leader that lost its leadership, and proclaim then rejects', async () => {
    const lead = await a!.campaign('lost-lead');
    const lost = new Promise((resolve) => lead.signal.addEventListener('abort', resolve));
    await dropLeaderKey('lost-lead');
    await lost;
    expect(lead.signal.reason).toBeInstanceOf(LockLostError);
    expect(a!.isLeader('lost-lead')).toBe(false);
    await expect(lead.proclaim('late')).rejects.toBeInstanceOf(LockLostError);
  });

  it('refuses bad names and values before anything reaches the store', async () => {
    await expect(b!.campaign('')).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(b!.campaign('x', { value: 42 as never })).rejects.toThrow(
      /value: expected a string/,
    );
    await expect(b!.campaign('x', { value: 'v'.repeat(65 * 1024) })).rejects.toThrow(
      /over the limit of 65536/,
    );
    await expect(b!.campaign('x', { onLocked: 'skip' } as never)).rejects.toThrow(/onLocked/);
    await expect(b!.leader('')).rejects.toBeInstanceOf(InvalidLockArgumentError);
    expect(() => b!.isLeader('')).toThrow(InvalidLockArgumentError);
    await expect(b!.leader('x')).resolves.toBeUndefined();
  });
});
