import type { INestApplication } from '@nestjs/common';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { findLostUpdates, findOverlaps } from '../support/checkers.js';
import { BACKENDS, replicaSet, uniquePrefix } from '../support/lock-app.js';
import { CriticalSectionRecorder } from '../src/critical-section.recorder.js';
import { FeedController } from '../src/feed.controller.js';

describe.each(BACKENDS)('@WithLock on a method returning an Observable (%s backend)', (kind) => {
  const replicas = replicaSet(kind, { prefix: uniquePrefix('observable') });
  let http: { app: INestApplication; url: string };
  let locks: LockService;
  let feed: FeedController;
  beforeAll(async () => {
    http = await replicas.http();
    locks = http.app.get(LockService);
    feed = http.app.get(FeedController);
  });
  afterAll(() => http.app.close());

  const sectionsOf = (key: string) =>
    http.app.get(CriticalSectionRecorder).sections.filter((s) => s.key === key);
  const event = (eventKind: string, key: string) =>
    firstValueFrom(locks.events$.pipe(filter((e) => e.kind === eventKind && e.key === key)));

  it.each(['declared', 'undeclared'])(
    'holds the lock until the Observable completes, so concurrent requests never overlap (%s return type)',
    async (route) => {
      const id = `${route}-${Date.now()}`;
      const responses = await Promise.all(
        Array.from({ length: 3 }, () => fetch(`${http.url}/feed/${id}/${route}`)),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      const values = await Promise.all(
        responses.map(async (r) => ((await r.json()) as { value: number }).value),
      );
      expect(values.sort()).toEqual([1, 2, 3]);
      const sections = sectionsOf(`feed:${id}`);
      expect(sections).toHaveLength(3);
      expect(findOverlaps(sections)).toEqual([]);
      expect(findLostUpdates(sections)).toEqual([]);
    },
  );

  it('returns an Observable for a declared Observable method, and locks nothing until subscribed', async () => {
    const key = `feed:lazy-${Date.now()}`;
    const source = feed.declared(key.slice('feed:'.length));
    expect(typeof (source as { subscribe?: unknown }).subscribe).toBe('function');
    expect(locks.stats().waiting + locks.stats().held).toBe(0);
    await expect(lastValueFrom(source)).resolves.toEqual({ value: 1 });
    expect(sectionsOf(key)).toHaveLength(1);
  });

  it('releases the lock when the subscriber unsubscribes', async () => {
    const id = `endless-${Date.now()}`;
    const acquired = event('lock.acquired', `feed:${id}`);
    const subscription = feed.endless(id).subscribe();
    await acquired;
    expect(locks.stats().held).toBe(1);
    const released = event('lock.released', `feed:${id}`);
    subscription.unsubscribe();
    await released;
    const again = await locks.tryAcquire(`feed:${id}`);
    expect(again).not.toBeNull();
    await again!.release();
  });

  it("emits undefined once with onLocked: 'skip' while another replica holds the lock", async () => {
    const other = await replicas.context();
    const held = await other.get(LockService).acquire('feed-skip');
    await expect(lastValueFrom(feed.skipping())).resolves.toBeUndefined();
    await held.release();
    await expect(lastValueFrom(feed.skipping())).resolves.toBe('ran');
    await other.close();
  });
});
