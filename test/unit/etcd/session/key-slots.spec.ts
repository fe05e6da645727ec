import { describe, expect, it } from 'vitest';
import { KeySlots } from '../../../../lib/etcd/session/key-slots.js';

describe('key slots', () => {
  it('hands out slots 0, 1, 2 per name', () => {
    const slots = new KeySlots();
    expect([slots.claim('a/'), slots.claim('a/'), slots.claim('b/'), slots.claim('a/')]).toEqual([
      0, 1, 0, 2,
    ]);
  });

  it('reuses a slot only after it was freed, and a freed one before a new one', () => {
    const slots = new KeySlots();
    slots.claim('a/');
    slots.claim('a/');
    slots.free('a/', 0);
    expect(slots.claim('a/')).toBe(0);
    expect(slots.claim('a/')).toBe(2);
  });

  it('never hands out one slot twice, whatever order slots are freed in, or freed twice', () => {
    const slots = new KeySlots();
    const inUse = new Set<number>();
    const clashes: number[] = [];
    const beyondPeak: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let most = 0;
    for (let step = 0; step < 20_000; step++) {
      if (inUse.size > 0 && random() < 0.5) {
        const slot = [...inUse][Math.floor(random() * inUse.size)]!;
        inUse.delete(slot);
        slots.free('a/', slot);
        slots.free('a/', slot);
        continue;
      }
      const slot = slots.claim('a/');
      if (inUse.has(slot)) clashes.push(slot);
      inUse.add(slot);
      most = Math.max(most, inUse.size);
      // No new number while a freed one waits: slots stay below the most ever in use at once.
      if (slot >= most) beyondPeak.push(slot);
    }
    expect(clashes).toEqual([]);
    expect(beyondPeak).toEqual([]);
    expect(most).toBeGreaterThan(10);
  });

  it('starts again from 0 once every slot of a name is free', () => {
    const slots = new KeySlots();
    [0, 1, 2].forEach(() => slots.claim('a/'));
    [2, 0, 1].forEach((slot) => slots.free('a/', slot));
    expect(slots.claim('a/')).toBe(0);
  });

  it('keeps names apart even when one is a prefix of another', () => {
    const slots = new KeySlots();
    slots.claim('a/');
    expect(slots.claim('a/b/')).toBe(0);
    slots.free('a/b/', 0);
    expect(slots.claim('a/')).toBe(1);
  });
});
