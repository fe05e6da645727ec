import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface EtcdBinaries {
  etcd: string;
  etcdctl: string | undefined;
}

const HOW_TO_GET =
  'etcd not found: install it (Debian/Ubuntu: apt-get install etcd-server etcd-client), ' +
  'or set ETCD_BIN=/path/to/etcd, or set ETCD_HOSTS=host:port to use a running etcd';

/** Finds etcd from ETCD_BIN or PATH; as root on Debian, installs Debian's etcd packages. */
export function findEtcd(log: (line: string) => void = console.error): EtcdBinaries {
  const found = locate();
  if (found) return found;
  if (canApt()) {
    log('etcd not found; installing Debian packages etcd-server and etcd-client with apt-get…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'etcd-server', 'etcd-client'], {
      stdio: 'ignore',
      env,
    });
    const installed = locate();
    if (installed) return installed;
  }
  throw new Error(HOW_TO_GET);
}

function locate(): EtcdBinaries | undefined {
  const fromEnv = process.env.ETCD_BIN;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`ETCD_BIN=${fromEnv} is not an executable file`);
    return { etcd: fromEnv, etcdctl: sibling(fromEnv) ?? onPath('etcdctl') };
  }
  const etcd = onPath('etcd');
  return etcd ? { etcd, etcdctl: sibling(etcd) ?? onPath('etcdctl') } : undefined;
}

function sibling(etcd: string): string | undefined {
  const candidate = join(dirname(etcd), 'etcdctl');
  return isExecutable(candidate) ? candidate : undefined;
}

function onPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin']);
  return dirs.map((d) => join(d, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function canApt(): boolean {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  return root && apt && existsSync('/etc/debian_version');
}
