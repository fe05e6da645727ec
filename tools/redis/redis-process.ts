import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall, canApt, onPath } from '../system/executables.js';
import { freePort } from '../etcd/free-port.js';

export interface RedisInstance {
  /** `127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const HOW_TO_GET =
  'redis-server not found: install it (Debian/Ubuntu: apt-get install redis-server), ' +
  'or set REDIS_BIN=/path/to/redis-server';

/** Finds redis-server from REDIS_BIN or PATH; as root on Debian, installs Debian's package. */
export function findRedis(log: (line: string) => void = console.error): string {
  const found = process.env.REDIS_BIN ?? onPath('redis-server');
  if (found) return found;
  if (canApt()) {
    log('redis-server not found; installing the Debian package redis-server with apt-get…');
    aptInstall(['redis-server']);
    const installed = onPath('redis-server');
    if (installed) return installed;
  }
  throw new Error(HOW_TO_GET);
}

/**
 * A throwaway redis-server on a free loopback port, as Debian ships it but without
 * persistence (no RDB snapshots, no append-only file): what redlock users usually run.
 */
export async function startRedis(): Promise<RedisInstance> {
  const port = await freePort();
  const child = spawn(
    findRedis(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = once(child, 'exit');
  for (let i = 0; !(await answers(port)); i++) {
    if (child.exitCode !== null || i > 100)
      throw new Error(`redis-server did not start on ${port}`);
    await sleep(50); // polling a starting server: nothing to subscribe to
  }
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
