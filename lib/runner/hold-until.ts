import { performance } from 'node:perf_hooks';
import { onFirstAbort } from '../lock/abort-signals.js';

/** Resolves at `deadline` (performance clock), or as soon as any signal aborts. */
export function holdUntil(deadline: number, signals: readonly AbortSignal[]): Promise<void> {
  const wait = deadline - performance.now();
  if (wait <= 0 || signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    // Timers round to whole milliseconds and may fire a fraction early.
    const timer = setTimeout(() => (detach(), resolve()), Math.ceil(wait) + 1);
    const detach = onFirstAbort(signals, () => (clearTimeout(timer), resolve()));
  });
}
