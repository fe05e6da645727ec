import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalescedReads } from '../../../../lib/etcd/watch/coalesced-reads.js';

/** A read that the test answers by hand, so the order of events is the test's own. */
function manualReads() {
  const pending: ((value: number) => void)[] = [];
  let count = 0;
  return {
    read: () => new Promise<number>((resolve) => (count++, pending.push(resolve))),
    answerNext: async (value: number) => (pending.shift()!(value), await Promise.resolve()),
    get started() {
      return count;
    },
  };
}

describe('reads on change, one at a time', () => {
  it('answers a thousand changes made during a read with one more read, which sees them all', async () => {
    const reads = manualReads();
    const answers: number[] = [];
    const feed = coalescedReads(reads.read, (v) => answers.push(v), 500);
    feed.changed();
    for (let i = 0; i < 1_000; i++) feed.changed();
    expect(reads.started).toBe(1);
    await reads.answerNext(1);
    expect(reads.started).toBe(2);
    await reads.answerNext(2);
    expect(reads.started).toBe(2);
    expect(answers).toEqual([1, 2]);
  });

  it('passes nothing on once stopped, not even the answer of the read under way', async () => {
    const reads = manualReads();
    const answers: number[] = [];
    const feed = coalescedReads(reads.read, (v) => answers.push(v), 500);
    feed.changed();
    feed.changed();
    feed.stop();
    await reads.answerNext(1);
    feed.changed();
    expect(answers).toEqual([]);
    expect(reads.started).toBe(1);
  });

  describe('with a minimum gap between reads', () => {
    afterEach(() => vi.useRealTimers());

    it('reads a change after a quiet spell at once, and a burst once per gap, its last change included', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const reads = manualReads();
      const answers: number[] = [];
      const feed = coalescedReads(reads.read, (v) => answers.push(v), 500, 1_000);
      feed.changed();
      await reads.answerNext(1);
      for (let i = 0; i < 100; i++) feed.changed();
      expect(reads.started).toBe(1);
      vi.advanceTimersByTime(999);
      expect(reads.started).toBe(1);
      vi.advanceTimersByTime(1);
      expect(reads.started).toBe(2);
      await reads.answerNext(2);
      vi.advanceTimersByTime(5_000);
      feed.changed();
      expect(reads.started).toBe(3);
      await reads.answerNext(3);
      expect(answers).toEqual([1, 2, 3]);
    });

    it('starts no paced read once stopped', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const reads = manualReads();
      const feed = coalescedReads(reads.read, () => undefined, 500, 1_000);
      feed.changed();
      await reads.answerNext(1);
      feed.changed();
      feed.stop();
      vi.advanceTimersByTime(2_000);
      expect(reads.started).toBe(1);
    });
  });
});
