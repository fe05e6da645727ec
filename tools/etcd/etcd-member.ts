import { type ChildProcess, spawn } from 'node:child_process';
import { findEtcd } from './find-etcd.js';

export interface EtcdMemberConfig {
  name: string;
  clientPort: number;
  peerPort: number;
  /** Plain-HTTP /health endpoint, also when clients speak TLS. */
  metricsPort: number;
  dataDir: string;
  initialCluster: string;
  clientScheme?: 'http' | 'https';
  extraArgs?: string[];
  /** The address it listens on. @default '127.0.0.1' */
  host?: string;
  /** The address its peers reach it on, if not `host` (a peer link of its own). */
  peerHost?: string;
  /** A network namespace to run it in (`ip netns exec`), for partition tests. */
  netns?: string;
}

/** One etcd process on loopback that can be killed, frozen and started again on its data dir. */
export class EtcdMember {
  private child: ChildProcess | undefined;
  private stderr = '';
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(readonly config: EtcdMemberConfig) {
    process.once('exit', this.killOnExit);
  }

  get host(): string {
    return this.config.host ?? '127.0.0.1';
  }

  get endpoint(): string {
    return `${this.host}:${this.config.clientPort}`;
  }

  get url(): string {
    return `${this.config.clientScheme ?? 'http'}://${this.endpoint}`;
  }

  get peerUrl(): string {
    return `http://${this.config.peerHost ?? this.host}:${this.config.peerPort}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error(`etcd member ${this.config.name} is not running`);
    return this.child.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Spawns the process; `start()` of a stopped member reuses its data dir (a restart). */
  spawn(): void {
    const c = this.config;
    this.stderr = '';
    const etcd = findEtcd().etcd;
    // `ip netns exec` execs etcd in place, so the pid is etcd's own and SIGSTOP reaches it.
    const command = c.netns ? ['ip', 'netns', 'exec', c.netns, etcd] : [etcd];
    this.child = spawn(
      command[0]!,
      [
        ...command.slice(1),
        ...['--name', c.name, '--data-dir', c.dataDir],
        ...['--listen-client-urls', this.url, '--advertise-client-urls', this.url],
        ...['--listen-peer-urls', this.peerUrl, '--initial-advertise-peer-urls', this.peerUrl],
        ...['--listen-metrics-urls', `http://${this.host}:${c.metricsPort}`],
        ...['--initial-cluster', c.initialCluster, '--initial-cluster-state', 'new'],
        ...['--logger', 'zap', '--log-level', 'error'],
        ...(c.extraArgs ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    watchOver(this.child.pid);
    this.child.stderr?.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
  }

  async start(timeoutMs = 20_000): Promise<void> {
    this.spawn();
    await this.waitHealthy(timeoutMs);
  }

  /** Polls /health: the server is another process, so there is no event to await. */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`etcd ${this.config.name} exited: ${this.stderr}`);
      const healthy = await fetch(`http://${this.host}:${this.config.metricsPort}/health`)
        .then(
          async (res) => res.ok && ((await res.json()) as { health?: string }).health === 'true',
        )
        .catch(() => false);
      if (healthy) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`etcd ${this.config.name} not healthy after ${timeoutMs} ms: ${this.stderr}`);
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Kills with SIGKILL (a crash) and waits until the process is gone. */
  async crash(): Promise<void> {
    await this.stop('SIGKILL');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGCONT');
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
    });
  }

  dispose(): void {
    process.removeListener('exit', this.killOnExit);
  }
}

/**
 * Kills etcd once this process is gone, however it went: a test run stopped by a signal (or
 * SIGKILL) runs no exit handler, and would leave etcd behind holding its ports.
 */
function watchOver(pid: number | undefined): void {
  if (pid === undefined) return;
  const script =
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; ` +
    `do sleep 1; done; kill -9 ${pid} 2>/dev/null`;
  spawn('sh', ['-c', script], { stdio: 'ignore', detached: true }).unref();
}
