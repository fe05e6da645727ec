import { describe, expect, it } from 'vitest';
import { InvalidLockArgumentError } from '../../../lib/errors/invalid-lock-argument.error.js';
import { TickSchedule } from '../../../lib/jobs/tick-schedule.js';

const at = (iso: string) => Date.parse(iso);
const everySecond = new TickSchedule('* * * * * *', undefined, 'test');

describe('TickSchedule', () => {
  it('names the same tick for clocks up to half a period early or late', () => {
    const tick = at('2026-12-05T10:00:05.000Z');
    for (const offset of [-499, -300, 0, 300, 499]) {
      expect(everySecond.tickAt(tick + offset)).toBe(tick);
    }
  });

  it('names the next tick once a clock is more than half a period past the last one', () => {
    expect(everySecond.tickAt(at('2026-12-05T10:00:05.501Z'))).toBe(at('2026-12-05T10:00:06Z'));
  });

  it('reads a daily schedule in its time zone', () => {
    const daily = new TickSchedule('0 2 * * *', 'Europe/Paris', 'test');
    // 02:00 in Paris in December is 01:00 UTC.
    expect(daily.tickAt(at('2026-12-05T01:00:00.200Z'))).toBe(at('2026-12-05T01:00:00Z'));
    expect(daily.after(at('2026-12-05T01:00:00Z'))).toBe(at('2026-12-06T01:00:00Z'));
  });

  it('lists the ticks strictly between two ticks, and at most 100 of them', () => {
    const from = at('2026-12-05T10:00:00Z');
    expect(everySecond.between(from, from + 3000)).toEqual([from + 1000, from + 2000]);
    expect(everySecond.between(from, from + 10 ** 6)).toHaveLength(100);
  });

  it.each([
    ['not cron', undefined],
    ['0 0 31 2 *', undefined],
    ['* * * * *', 'Nowhere/Else'],
  ])('refuses %s (time zone %s) with InvalidLockArgumentError', (expression, zone) => {
    expect(() => new TickSchedule(expression, zone, '@OncePerTick schedule')).toThrow(
      InvalidLockArgumentError,
    );
  });
});
