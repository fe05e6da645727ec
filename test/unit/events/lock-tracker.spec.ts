import { describe, expect, it } from 'vitest';
import { LockTracker } from '../../../lib/events/lock-tracker.js';
import type { LockEvent } from '../../../lib/interfaces/lock-event.interface.js';
import type { HeldLock } from '../../../lib/lock/lock-backend.interface.js';

const held = { key: 'seat', fencingToken: 9n } as HeldLock;

/** What a tracker emits for one hold of `seat`, a force-release and an election won. */
function eventsOfOneHold(): LockEvent[] {
  const tracker = new LockTracker();
  const seen: LockEvent[] = [];
  tracker.events$.subscribe((e) => seen.push(e));
  tracker.acquired(tracker.begin('seat'), held);
  tracker.released(held);
  tracker.emit('lock.force-released', { key: 'seat', reason: 'stuck', fencingTokens: [9n] });
  tracker.emit('leader.elected', { key: 'jobs', term: 3n });
  return seen;
}

describe('lock events', () => {
  it('are named <lock|leader>.<what happened>, in kind', () => {
    const seen = eventsOfOneHold();
    expect(seen.map((e) => e.kind)).toEqual([
      'lock.acquired',
      'lock.released',
      'lock.force-released',
      'leader.elected',
    ]);
    expect(seen[0]).toMatchObject({ key: 'seat', fencingToken: 9n, queued: false });
  });

  it('keep their old names in the deprecated type for one minor version', () => {
    expect(eventsOfOneHold().map((e) => e.type)).toEqual([
      'acquired',
      'released',
      'lock.force-released',
      'leader.elected',
    ]);
  });
});
