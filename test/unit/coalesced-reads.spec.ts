import { describe, expect, it } from 'vitest';
import { coalescedReads } from '../../lib/etcd/coalesced-reads.js';

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
});
