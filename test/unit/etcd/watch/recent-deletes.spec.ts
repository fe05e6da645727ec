import { describe, expect, it } from 'vitest';
import { RecentDeletes } from '../../../../lib/etcd/watch/recent-deletes.js';

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

  it('tells a new holder whether its own key went after its revision, by the key alone', () => {
    const recent = new RecentDeletes();
    expect(recent.latestOf('mine', 5n)).toBeUndefined();
    recent.reset(4n);
    recent.add(deleted(5, 'mine')); // an older incarnation, before our revision
    recent.add(deleted(6, 'theirs'));
    expect(recent.latestOf('mine', 5n)).toBeNull();
    recent.add(deleted(9, 'mine'));
    expect(recent.latestOf('mine', 5n)?.revision).toBe(9n);
    expect(recent.latestOf('mine', 3n)).toBeUndefined(); // before what it vouches for
  });

  it('answers for a key only while it keeps that key’s delete', () => {
    const recent = new RecentDeletes();
    recent.reset(0n);
    recent.add(deleted(1, 'early'));
    for (let revision = 2; revision <= 1025; revision++) recent.add(deleted(revision));
    expect(recent.latestOf('early', 0n)).toBeUndefined();
    expect(recent.latestOf('early', 600n)).toBeNull();
    expect(recent.latestOf('k1025', 600n)?.revision).toBe(1025n);
  });

  it('forgets everything when deletes may have been missed', () => {
    const recent = new RecentDeletes();
    recent.reset(0n);
    recent.add(deleted(3));
    recent.reset(undefined);
    expect(recent.since(3n)).toBeUndefined();
    expect(recent.latestOf('k3', 0n)).toBeUndefined();
    expect(recent.vouching).toBe(false);
  });
});
