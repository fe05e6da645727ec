import { describe, expect, it } from 'vitest';
import type { Lock } from '../../../lib/interfaces/lock.interface.js';
import { NestedTurns } from '../../../lib/lock/nested-turns.js';

/** A body that records when it starts and ends, and ends when told. */
function body(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const run = async () => {
    log.push(`${name} start`);
    await finished;
    log.push(`${name} end`);
    return name;
  };
  return { run, finish };
}

describe('reentrant calls under one lock take turns', () => {
  const parent = {} as Lock;

  it('runs siblings one after another, in call order, each with its own result', async () => {
    const turns = new NestedTurns();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => body(log, n)) as [
      ReturnType<typeof body>,
      ReturnType<typeof body>,
      ReturnType<typeof body>,
    ];
    const all = Promise.all([
      turns.run(parent, a.run),
      turns.run(parent, b.run),
      turns.run(parent, c.run),
    ]);
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    c.finish();
    b.finish();
    a.finish();
    expect(await all).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('lets the next sibling run after one throws, and passes the error through untouched', async () => {
    const turns = new NestedTurns();
    const mine = new RangeError('business rule');
    const first = turns.run(parent, () => Promise.reject(mine));
    const second = turns.run(parent, () => 'second');
    await expect(first).rejects.toBe(mine);
    expect(await second).toBe('second');
  });

  it('never makes a child wait for its own ancestor: nesting runs at once', async () => {
    const turns = new NestedTurns();
    const child = {} as Lock;
    const nested = await turns.run(parent, () =>
      turns.run(child, () => turns.run({} as Lock, () => 'deep')),
    );
    expect(nested).toBe('deep');
  });
});
