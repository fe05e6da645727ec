import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findEtcd } from './find-etcd.js';
import { freePort } from './free-port.js';

export interface EtcdInstance {
  /** `127.0.0.1:<port>`, ready for `hosts`. */
  readonly endpoint: string;
  readonly etcdctl: string | undefined;
  readonly dataDir: string;
  /** The etcd process id, for fault tests that freeze (SIGSTOP) or kill it. */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts a throwaway single-member etcd on free loopback ports with a temporary data dir. */
export async function startEtcd(options: { readyTimeoutMs?: number } = {}): Promise<EtcdInstance> {
  const binaries = findEtcd();
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-'));
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    binaries.etcd,
    [
      '--name',
      'lock-test',
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `lock-test=${peer}`,
      '--initial-cluster-state',
      'new',
      '--logger',
      'zap',
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await terminate(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(client, child, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await stop();
    throw new Error(`etcd did not become healthy: ${(error as Error).message}\n${stderr}`, {
      cause: error,
    });
  }
  return {
    endpoint: `127.0.0.1:${clientPort}`,
    etcdctl: binaries.etcdctl,
    dataDir,
    pid: child.pid!,
    stop,
  };
}

/** Polls etcd's /health endpoint: the server is another process, so there is no event to await. */
async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode}`);
    const healthy = await fetch(`${url}/health`)
      .then(async (res) => res.ok && ((await res.json()) as { health?: string }).health === 'true')
      .catch(() => false);
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}

export function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
