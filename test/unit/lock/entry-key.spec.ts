import { describe, expect, it } from 'vitest';
import { entryDir, parseEntryKey, permitsBelowQueue } from '../../../lib/lock/entry-key.js';
import type { LockShape } from '../../../lib/lock/lock-shape.js';

const shapes: LockShape[] = [
  { mode: 'write', permits: 1 },
  { mode: 'read', permits: 1 },
  { mode: 'write', permits: 3 },
];

describe('the key layout', () => {
  it.each(shapes)('reads back the name and shape it built a key for: %o', (shape) => {
    for (const name of ['orders', 'tenant/7/migrate', 'a/b/c']) {
      const key = `${entryDir(`${name}/`, shape)}694d9b3c2a1f0001_0`;
      expect(parseEntryKey(key)).toEqual({ name, shape });
    }
  });

  it("reads other clients' keys: etcdctl lock and Go's Mutex as plain locks, a Go RWMutex writer too", () => {
    expect(parseEntryKey('jobs/694d9b3c2a1f0001')).toEqual({
      name: 'jobs',
      shape: { mode: 'write', permits: 1 },
    });
    expect(parseEntryKey('jobs/write/694d9b3c2a1f0001')).toEqual({
      name: 'jobs',
      shape: { mode: 'write', permits: 1 },
    });
  });

  it('refuses keys with no name, and reads a lone layout word as a plain name', () => {
    expect(parseEntryKey('orphan')).toBeUndefined();
    expect(parseEntryKey('/x')).toBeUndefined();
    expect(parseEntryKey('/read/x')).toBeUndefined();
    expect(parseEntryKey('read/x')).toEqual({ name: 'read', shape: { mode: 'write', permits: 1 } });
  });

  it('counts permits from the key below the queue', () => {
    expect(permitsBelowQueue('sem-5/694d_0')).toBe(5);
    expect(permitsBelowQueue('read/694d_0')).toBe(1);
    expect(permitsBelowQueue('694d_0')).toBe(1);
    expect(permitsBelowQueue('sem-x/694d_0')).toBe(1);
  });
});
