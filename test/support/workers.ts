import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { CriticalSection } from '../src/critical-section.recorder.js';

export interface WorkerRun {
  sections: CriticalSection[];
  pids: number[];
}

/**
 * Spawns `count` worker processes (compiled test/src/worker.ts, built by the global setup), starts them together once all
 * report ready, and gathers every critical section they recorded.
 */
export async function runWorkers(
  count: number,
  env: Record<string, string>,
  onStarted?: () => void,
): Promise<WorkerRun> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['build/test/src/worker.js'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  try {
    const lines = children.map(lineReader);
    await Promise.all(lines.map(async (next) => expectLine(await next(), 'ready')));
    for (const child of children) child.stdin!.end('go\n');
    onStarted?.();
    const results = await Promise.all(lines.map(async (next) => JSON.parse(await next())));
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
    const failed = children.filter((c) => c.exitCode !== 0);
    if (failed.length) throw new Error(`${failed.length} worker(s) exited with an error`);
    return {
      sections: results.flatMap((r: { sections: CriticalSection[] }) => r.sections),
      pids: results.map((r: { pid: number }) => r.pid),
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function lineReader(child: ChildProcess): () => Promise<string> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const iterator = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await iterator.next();
    if (done)
      throw new Error(`worker ${child.pid} ended early (exit ${child.exitCode}): ${stderr}`);
    return value as string;
  };
}

function expectLine(line: string, expected: string): void {
  if (line !== expected)
    throw new Error(`worker said ${JSON.stringify(line)}, expected ${expected}`);
}
