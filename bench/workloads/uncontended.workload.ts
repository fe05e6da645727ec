import { performance } from 'node:perf_hooks';
import { type Contender, noSection } from '../contenders/contender.js';
import { summarize, type Summary } from '../stats.js';

/**
 * Sequential acquire+release of one key. Contenders take turns in short rounds so that a noisy
 * moment on the machine hits all of them alike: with rounds of 100 cycles, one contender's
 * ratio to the raw floor moved by up to 15% between two runs of the same code.
 */
export async function uncontended(
  contenders: readonly Contender[],
  iterations: number,
  rounds = 50,
): Promise<Map<string, Summary>> {
  const samples = new Map(contenders.map((c) => [c.name, [] as number[]]));
  for (const c of contenders) for (let i = 0; i < 20; i++) await c.run('warmup', noSection);
  const perRound = Math.ceil(iterations / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const list = samples.get(c.name)!;
      for (let i = 0; i < perRound; i++) {
        const started = performance.now();
        await c.run('uncontended', noSection);
        list.push(performance.now() - started);
      }
    }
  }
  return new Map([...samples].map(([name, list]) => [name, summarize(list)]));
}
