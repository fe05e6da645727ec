import { dirname, join } from 'node:path';
import { aptInstall, canApt, isExecutable, onPath } from '../system/executables.js';

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
    aptInstall(['etcd-server', 'etcd-client']);
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
