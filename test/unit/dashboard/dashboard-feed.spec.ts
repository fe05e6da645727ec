import { NEVER, Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DashboardFeed } from '../../../lib/dashboard/dashboard-feed.js';
import { lockEvent } from '../../../lib/events/lock-event.factory.js';
import type { LockEvent } from '../../../lib/interfaces/lock-event.interface.js';
import type { LockService } from '../../../lib/lock.service.js';

function feedOf(events$: Subject<LockEvent>): DashboardFeed {
  const locks = { watch: () => NEVER, events$ } as unknown as LockService;
  return new DashboardFeed(locks, {
    path: '/locks',
    forceRelease: false,
    heldLongerThan: 60_000,
    guards: [],
    feedSize: 50,
  });
}

const acquired = (key: string): LockEvent =>
  lockEvent('lock.acquired', { key, fencingToken: 1n, waitedMs: 0, queued: false });
const keysOf = (batches: string[]) =>
  batches.map((b) => (JSON.parse(b) as { key: string }[]).map((e) => e.key));

describe('the dashboard feed of events', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a page the recent events at once, then later ones in batches, none of them twice', () => {
    vi.useFakeTimers();
    const events$ = new Subject<LockEvent>();
    const feed = feedOf(events$);
    events$.next(acquired('a'));
    const first: string[] = [];
    feed.events().subscribe((b) => first.push(b));
    events$.next(acquired('b'));
    events$.next(acquired('c'));
    const second: string[] = [];
    feed.events().subscribe((b) => second.push(b));
    events$.next(acquired('d'));
    vi.advanceTimersByTime(250);
    expect(keysOf(first)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(keysOf(second)).toEqual([['a', 'b', 'c'], ['d']]);
    feed.onModuleDestroy();
  });
});
