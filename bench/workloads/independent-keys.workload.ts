import { performance } from 'node:perf_hooks';
import { type Contender, noSection } from '../contenders/contender.js';

export interface IndependentKeysPoint {
  name: string;
  callers: number;
  /** Acquire+release cycles per second, all callers together. */
  cyclesPerSecond: number;
}

/**
 * `callers` loops in one process, each taking a key of its own (a lock per order id): no
 * contention, only concurrency. Contenders alternate in short slices, so a noisy moment on
 * the machine hits all of them alike.
 */
export async function independentKeys(
  contenders: readonly Contender[],
  callers: number,
  durationMs: number,
  slices = 4,
): Promise<IndependentKeysPoint[]> {
  const cycles = new Map(contenders.map((c) => [c.name, 0]));
  const elapsed = new Map(contenders.map((c) => [c.name, 0]));
  for (const c of contenders) await burst(c, callers, 200);
  for (let s = 0; s < slices; s++) {
    for (const c of contenders) {
      const started = performance.now();
      cycles.set(c.name, cycles.get(c.name)! + (await burst(c, callers, durationMs / slices)));
      elapsed.set(c.name, elapsed.get(c.name)! + performance.now() - started);
    }
  }
  return contenders.map((c) => ({
    name: c.name,
    callers,
    cyclesPerSecond: cycles.get(c.name)! / (elapsed.get(c.name)! / 1000),
  }));
}

/** Runs `callers` loops until `ms` have passed; returns how many cycles completed. */
async function burst(contender: Contender, callers: number, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const loop = async (caller: number) => {
    for (let i = 0; performance.now() < until; i++) {
      await contender.run(`independent-${callers}-${caller}`, noSection);
      done++;
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, i) => loop(i)));
  return done;
}
