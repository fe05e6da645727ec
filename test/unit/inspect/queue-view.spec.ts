import { describe, expect, it } from 'vitest';
import { lockInfos } from '../../../lib/inspect/queue-view.js';
import type { StoredEntry } from '../../../lib/lock/lock-backend.interface.js';
import { inQueueOf } from '../../../lib/lock/queue-rules.js';

let token = 0n;
const entry = (name: string, mode: 'read' | 'write' = 'write'): StoredEntry => ({
  name,
  shape: { mode, permits: 1 },
  key: `p/${name}/${(++token).toString(16)}_0`,
  token,
  value: 'host/1',
  ttlRemaining: 10,
});

/** The listing by the plain definition: every entry checked for every name. */
function quadratic(entries: StoredEntry[]) {
  const names = [...new Set(entries.map((e) => e.name))].sort();
  return names.map((name) => {
    const queue = entries.filter((e) => inQueueOf(name, e.name));
    return { name, keys: queue.filter((e) => e.name === name).map((e) => e.key) };
  });
}

describe('the listing of every lock name', () => {
  it('gives each name its nested names, also where another name sorts between them', async () => {
    // `a-x` sorts between `a` and `a/b` (`-` comes before `/`), and is not nested under `a`.
    const entries = [
      entry('a/b'),
      entry('a'),
      entry('a-x'),
      entry('a/b/c'),
      entry('a', 'read'),
      entry('b'),
    ];
    const infos = await lockInfos(entries);
    expect(infos.map((i) => i.name)).toEqual(['a', 'a-x', 'a/b', 'a/b/c', 'b']);
    const a = infos.find((i) => i.name === 'a')!;
    // `a` waits behind the older `a/b` holder, so both of its entries wait.
    expect(a.holders).toEqual([]);
    expect(a.waiters).toHaveLength(2);
    expect(infos.find((i) => i.name === 'a-x')!.holders).toHaveLength(1);
    // Nesting holds back the outer name only: `a/b/c` does not wait for the older `a/b`.
    expect(infos.find((i) => i.name === 'a/b/c')!.holders).toHaveLength(1);
    const listed = infos.map((i) => ({
      name: i.name,
      keys: [...i.holders, ...i.waiters].map((e) => e.key).sort(),
    }));
    expect(listed).toEqual(quadratic(entries).map((q) => ({ ...q, keys: q.keys.sort() })));
  });

  it('lists 100,000 names, each with its own holder (the quadratic listing would not end)', async () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => entry(`job-${i}`));
    const infos = await lockInfos(entries);
    expect(infos).toHaveLength(100_000);
    expect(infos.every((i) => i.holders.length === 1 && i.waiters.length === 0)).toBe(true);
  });
});
