import { describe, expect, it } from 'vitest';
import { entriesWithTurn, hasTurn, type QueuedEntry } from '../../../lib/lock/queue-rules.js';

/** A small deterministic generator, so a failing queue can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** Entries of a few names and every shape, some sharing a token (one multi-name acquisition). */
function randomQueue(next: () => number): QueuedEntry[] {
  const names = ['a', 'a/b', 'a/b/c'];
  let token = 1n;
  return Array.from({ length: 1 + Math.floor(next() * 30) }, () => {
    if (next() > 0.2) token += 1n;
    const shape =
      next() < 0.3
        ? { mode: 'read' as const, permits: 1 }
        : { mode: 'write' as const, permits: next() < 0.3 ? 1 + Math.floor(next() * 4) : 1 };
    return { name: names[Math.floor(next() * names.length)]!, shape, token };
  });
}

describe('the queue rule in one pass', () => {
  it('gives the same entries their turn as checking each entry against the whole queue', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const queue = randomQueue(random(seed));
      const onePass = entriesWithTurn(queue);
      const eachAlone = queue.filter((e) => hasTurn(e, queue));
      expect(
        queue.filter((e) => onePass.has(e)),
        `seed ${seed}`,
      ).toEqual(eachAlone);
    }
  });

  it('finds the one holder among 100,000 waiters of one name', () => {
    const queue = Array.from({ length: 100_001 }, (_, i) => ({
      name: 'busy',
      shape: { mode: 'write' as const, permits: 1 },
      token: BigInt(100_001 - i),
    }));
    expect([...entriesWithTurn(queue)]).toEqual([queue[100_000]]);
  });
});
