import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../etcd/free-port.js';
import { type DatabaseServer, serveWhenReady } from '../system/database-server.js';
import { aptInstall, canApt, isExecutable, onPath } from '../system/executables.js';

/** A throwaway MariaDB server of our own: its data folder, its port, no passwords. */
export type MariadbInstance = DatabaseServer;

function findServer(): string {
  const found = onPath('mariadbd') ?? ['/usr/sbin/mariadbd'].find(isExecutable);
  if (found && onPath('mariadb-install-db')) return found;
  if (canApt()) {
    aptInstall(['mariadb-server']);
    if (onPath('mariadb-install-db')) return '/usr/sbin/mariadbd';
  }
  throw new Error('MariaDB not found: as root, apt-get install mariadb-server');
}

export async function startMariadb(): Promise<MariadbInstance> {
  const server = findServer();
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-mariadb-'));
  const data = join(dir, 'data');
  // As root, the server drops to the `mysql` user the package created, which must own its files.
  const root = process.getuid?.() === 0;
  if (root) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'mysql']).toString());
    chownSync(dir, id('-u'), id('-g'));
  }
  const user = root ? ['--user=mysql'] : [];
  execFileSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--skip-test-db', ...user],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--skip-grant-tables',
      ...user,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = `mysql://root@127.0.0.1:${port}/mysql`;
  return serveWhenReady('mariadbd', child, dir, 'SIGTERM', url, async () => {
    const connection = await mysql.createConnection(url);
    try {
      const [rows] = await connection.query('SELECT VERSION() AS v');
      return `MariaDB ${String((rows as { v: string }[])[0]!.v).split('-')[0]}`;
    } finally {
      await connection.end();
    }
  });
}
