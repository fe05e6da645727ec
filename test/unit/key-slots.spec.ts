import { describe, expect, it } from 'vitest';
import { KeySlots } from '../../lib/etcd/key-slots.js';

describe('key slots', () => {
  it('hands out the lowest free slot per name', () => {
    const slots = new KeySlots();
    expect([slots.claim('a/'), slots.claim('a/'), slots.claim('b/'), slots.claim('a/')]).toEqual([
      0, 1, 0, 2,
    ]);
  });

  it('reuses a slot only after it was freed', () => {
    const slots = new KeySlots();
    slots.claim('a/');
    slots.claim('a/');
    slots.free('a/', 0);
    expect(slots.claim('a/')).toBe(0);
    expect(slots.claim('a/')).toBe(2);
  });

  it('keeps names apart even when one is a prefix of another', () => {
    const slots = new KeySlots();
    slots.claim('a/');
    expect(slots.claim('a/b/')).toBe(0);
    slots.free('a/b/', 0);
    expect(slots.claim('a/')).toBe(1);
  });
});
