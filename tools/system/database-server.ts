import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';

/** A database server the tests started: where to connect, what it is, and how to stop it. */
export interface DatabaseServer {
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

/**
 * Waits until `probe` (a connect and a query) answers, then hands the server over; `stop`
 * sends `signal` (each server's fast shutdown) and removes `dir`. Fails with the server's own
 * log if it exits first, or does not answer within 30 s.
 */
export async function serveWhenReady(
  name: string,
  child: ChildProcess,
  dir: string,
  signal: NodeJS.Signals,
  url: string,
  probe: () => Promise<string>,
): Promise<DatabaseServer> {
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill(signal);
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${log}`);
    try {
      return { url, version: await probe(), stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${name} did not answer in 30 s: ${String(error)} ${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
