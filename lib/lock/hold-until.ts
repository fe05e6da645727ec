import { performance } from 'node:perf_hooks';

/** Resolves at `deadline` (performance clock), or as soon as any signal aborts. */
export function holdUntil(deadline: number, signals: readonly AbortSignal[]): Promise<void> {
  const wait = deadline - performance.now();
  if (wait <= 0 || signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    // Timers round to whole milliseconds and may fire a fraction early.
    const timer = setTimeout(done, Math.ceil(wait) + 1);
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}
