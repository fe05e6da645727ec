import { describe, expect, it } from 'vitest';
import { RecentDeletes } from '../../lib/etcd/recent-deletes.js';

const deleted = (revision: number, key = `k${revision}`) => ({
  key,
  revision: BigInt(revision),
  previous: undefined,
  createRevision: undefined,
});

describe('the recent deletes a waiter or a new holder can ask for', () => {
  it('vouches for nothing until it knows from which revision it records', () => {
    const recent = new RecentDeletes();
    expect(recent.since(100n)).toBeUndefined();
    expect(recent.resumeAfter).toBeUndefined();
    recent.reset(10n);
    expect(recent.since(9n)).toBeUndefined(); // a delete at revision 10 may have been missed
    expect(recent.since(10n)).toEqual([]);
  });

  it('gives exactly the deletes after the revision asked, in order', () => {
    const recent = new RecentDeletes();
    recent.reset(10n);
    for (const revision of [11, 12, 12, 15]) recent.add(deleted(revision));
    expect(recent.since(11n)!.map((e) => e.revision)).toEqual([12n, 12n, 15n]);
    expect(recent.since(15n)).toEqual([]);
    expect(recent.resumeAfter).toBe(15n);
  });

  it('stops vouching for revisions whose deletes it dropped to stay small', () => {
    const recent = new RecentDeletes();
    recent.reset(0n);
    for (let revision = 1; revision <= 1025; revision++) recent.add(deleted(revision));
    expect(recent.since(100n)).toBeUndefined();
    expect(recent.since(512n)).toHaveLength(1025 - 512);
    expect(recent.resumeAfter).toBe(1025n);
  });

  it('forgets everything when deletes may have been missed', () => {
    const recent = new RecentDeletes();
    recent.reset(0n);
    recent.add(deleted(3));
    recent.reset(undefined);
    expect(recent.since(3n)).toBeUndefined();
    expect(recent.vouching).toBe(false);
  });
});
