import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { Lock, LockService } from '../../lib/index.js';
import { type CriticalSection, now } from '../src/critical-section.recorder.js';

/** What a load run saw: every critical section and call, and the slowest handoff. */
export interface GreyLoad {
  sections: CriticalSection[];
  /** Every acquire+release of an uncontended key: when it started (`now()`) and how long it took. */
  cycles: { at: number; ms: number }[];
  /** Longest time from one replica's release starting to the waiting replica holding the lock. */
  longestHandoffMs: number;
  handoffs: number;
  /** Calls that rejected, and when (`now()` clock). */
  errors: { at: number; message: string }[];
}

/**
 * Runs, until `stop` aborts, two kinds of load between replicas `a` and `b`: each cycles its
 * own key (the latency of one acquire+release) and they pass a shared key back and forth (the
 * handoff). Every section increments an in-process counter with a yield in between, so two
 * holders at once would write the same value twice (`findLostUpdates`).
 */
export async function runGreyLoad(
  a: LockService,
  b: LockService,
  stop: AbortSignal,
): Promise<GreyLoad> {
  const load: GreyLoad = {
    sections: [],
    cycles: [],
    longestHandoffMs: 0,
    handoffs: 0,
    errors: [],
  };
  const counters = new Map<string, number>();
  const section = async (lock: Lock, via: string) => {
    const enter = now();
    const value = (counters.get(lock.key) ?? 0) + 1;
    await sleep(1);
    counters.set(lock.key, value);
    const fencingToken = String(lock.fencingToken);
    load.sections.push({ key: lock.key, enter, exit: now(), fencingToken, value, pid: 0, via });
  };
  const cycle = async (locks: LockService, key: string) => {
    while (!stop.aborted) {
      const started = now();
      try {
        const lock = await locks.acquire(key);
        await section(lock, key);
        await lock.release();
        load.cycles.push({ at: started, ms: now() - started });
      } catch (error) {
        load.errors.push({ at: now(), message: `${key}: ${(error as Error).message}` });
      }
      await sleep(20);
    }
  };
  const handoff = async () => {
    let [holder, waiter] = [a, b];
    let held: Lock | undefined = await holder.acquire('hand');
    while (!stop.aborted && held) {
      const queued = firstValueFrom(
        waiter.events$.pipe(filter((e) => e.kind === 'lock.queued' && e.key === 'hand')),
      );
      const next = waiter.acquire('hand');
      try {
        await Promise.race([queued, next]);
        await section(held, 'hand');
        const releasing = now();
        void held.release();
        held = await next;
        load.longestHandoffMs = Math.max(load.longestHandoffMs, now() - releasing);
        load.handoffs++;
        [holder, waiter] = [waiter, holder];
      } catch (error) {
        load.errors.push({ at: now(), message: `hand: ${(error as Error).message}` });
        // Whoever holds nothing now starts the next round; a failed waiter leaves `held` as is.
        if (!held.held) held = await holder.acquire('hand').catch(() => undefined);
      }
      await sleep(50);
    }
    await held?.release();
  };
  await Promise.all([cycle(a, 'a-own'), cycle(b, 'b-own'), handoff()]);
  return load;
}

/** The longest cycle that was under way at some moment within [from, to). */
export function longestCycle(load: GreyLoad, from: number, to: number): number {
  const overlapping = load.cycles.filter((c) => c.at < to && c.at + c.ms > from);
  return Math.max(0, ...overlapping.map((c) => c.ms));
}
