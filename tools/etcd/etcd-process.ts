import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdMember } from './etcd-member.js';
import { findEtcd } from './find-etcd.js';
import { freePort } from './free-port.js';

export interface EtcdInstance {
  /** `127.0.0.1:<port>`, ready for `hosts`. */
  readonly endpoint: string;
  readonly etcdctl: string | undefined;
  readonly dataDir: string;
  /** The etcd process id, for fault tests that freeze (SIGSTOP) or kill it. */
  readonly pid: number;
  /** The member itself, for tests that crash and restart it. */
  readonly member: EtcdMember;
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  clientScheme?: 'http' | 'https';
  extraArgs?: string[];
}

/** Starts a throwaway single-member etcd on free loopback ports with a temporary data dir. */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdInstance> {
  const binaries = findEtcd();
  const dataDir = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-'));
  const peerPort = await freePort();
  const member = new EtcdMember({
    name: 'lock-test',
    clientPort: await freePort(),
    peerPort,
    metricsPort: await freePort(),
    dataDir,
    initialCluster: `lock-test=http://127.0.0.1:${peerPort}`,
    ...options,
  });
  const stop = async () => {
    await member.stop();
    member.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await member.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint: member.endpoint,
    etcdctl: binaries.etcdctl,
    dataDir,
    get pid() {
      return member.pid;
    },
    member,
    stop,
  };
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
