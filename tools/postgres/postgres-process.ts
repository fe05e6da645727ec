import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../etcd/free-port.js';
import { type DatabaseServer, serveWhenReady } from '../system/database-server.js';
import { aptInstall, canApt, isExecutable, onPath } from '../system/executables.js';

/** A throwaway PostgreSQL server of our own: its data folder, its port, trust auth on loopback. */
export type PostgresInstance = DatabaseServer;

/** Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin. */
function findBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  const majors = (() => {
    try {
      return readdirSync(base).sort((a, b) => Number(b) - Number(a));
    } catch {
      return [];
    }
  })();
  const debian = majors
    .map((m) => join(base, m, 'bin'))
    .find((d) => isExecutable(join(d, 'postgres')));
  const onPathDir = onPath('postgres')?.replace(/\/postgres$/, '');
  return debian ?? onPathDir;
}

export function findPostgres(): string {
  const found = findBin();
  if (found) return found;
  if (canApt()) {
    aptInstall(['postgresql']);
    const installed = findBin();
    if (installed) return installed;
  }
  throw new Error('PostgreSQL not found: as root, apt-get install postgresql');
}

/**
 * PostgreSQL refuses to run as root: as root, it runs as the `postgres` user apt created. Set
 * on the process itself (not through `runuser`, which would not pass our SIGINT on).
 */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(): Promise<PostgresInstance> {
  const bin = findPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-pg-'));
  const user = serverUser();
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const initArgs = ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8'];
  execFileSync(join(bin, 'initdb'), initArgs, { stdio: 'ignore', cwd: dir, ...user });
  const port = await freePort();
  const args = [
    '-D',
    join(dir, 'data'),
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  const child: ChildProcess = spawn(join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...user,
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // SIGINT: the fast shutdown.
  return serveWhenReady('postgres', child, dir, 'SIGINT', url, async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
      return rows[0]!.v.split(' ').slice(0, 2).join(' ');
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}
