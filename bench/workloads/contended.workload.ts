import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ContenderKind } from '../contenders/index.js';
import { summarize, type Summary } from '../stats.js';

export interface ContendedPoint {
  kind: ContenderKind;
  contenders: number;
  processes: number;
  handoffsPerSecond: number;
  wait: Summary;
  /** Max wait ÷ median wait: close to the number of contenders under FIFO. */
  /** Waits include those still open when the window closed (as lower bounds). */
  fairness: number;
}

/** One point of workload 2: `contenders` loops on one key, spread over `processes` workers. */
export async function contendedPoint(
  hosts: string,
  kind: ContenderKind,
  contenders: number,
  processes: number,
  durationMs: number,
): Promise<ContendedPoint> {
  const key = `contended-${kind}-${contenders}-${processes}-${Date.now()}`;
  const perWorker = Array.from(
    { length: processes },
    (_, i) => Math.floor(contenders / processes) + (i < contenders % processes ? 1 : 0),
  );
  const workers = perWorker.map((count) =>
    spawn(process.execPath, ['build/bench/contended.worker.js'], {
      env: {
        ...process.env,
        KIND: kind,
        COUNT: String(count),
        KEY: key,
        HOSTS: hosts,
        DURATION_MS: String(durationMs),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  // A stuck contender must fail the bench with its name, not hang it.
  const deadline = setTimeout(() => {
    for (const w of workers) w.kill('SIGKILL');
  }, durationMs + 60_000);
  const readers = workers.map((w) => createInterface({ input: w.stdout! })[Symbol.asyncIterator]());
  const next = async (i: number) => {
    const r = await readers[i]!.next();
    if (r.done) throw new Error(`bench worker ${kind} x ${contenders} exited early or hung`);
    return r.value as string;
  };
  await Promise.all(workers.map((_, i) => next(i)));
  for (const w of workers) w.stdin!.end('go\n');
  const results = await Promise.all(
    workers.map(
      async (_, i) =>
        JSON.parse(await next(i)) as { waits: number[]; abandoned: number[]; elapsedMs: number },
    ),
  );
  const elapsed = Math.max(...results.map((r) => r.elapsedMs));
  await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : undefined)));
  clearTimeout(deadline);
  const waits = results.flatMap((r) => r.waits);
  const wait = summarize([...waits, ...results.flatMap((r) => r.abandoned)]);
  return {
    kind,
    contenders,
    processes,
    handoffsPerSecond: waits.length / (elapsed / 1000),
    wait,
    fairness: wait.max / Math.max(wait.median, 0.001),
  };
}
