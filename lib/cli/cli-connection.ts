import { readFileSync } from 'node:fs';
import type { EtcdLockModuleOptions } from '../interfaces/etcd-lock-module-options.interface.js';

/** The connection flags, named and spelled as `etcdctl` spells them. */
export interface ConnectionFlags {
  endpoints: string;
  prefix: string;
  user?: string;
  password?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  dialTimeout: string;
}

/** A flag the user got wrong: exit code 2, like a usage error. */
export class UsageError extends Error {}

/** Module options for a short-lived, read-mostly client: no retries, a short answer timeout. */
export function connectionOptions(flags: ConnectionFlags): EtcdLockModuleOptions {
  const hosts = flags.endpoints
    .split(',')
    .map((h) => h.trim().replace(/^https?:\/\//, ''))
    .filter(Boolean);
  if (hosts.length === 0) throw new UsageError('--endpoints is empty: give host:port[,host:port]');
  const callTimeout = Number(flags.dialTimeout);
  if (!Number.isInteger(callTimeout) || callTimeout < 100) {
    throw new UsageError(`--dial-timeout must be milliseconds >= 100, got ${flags.dialTimeout}`);
  }
  return {
    hosts,
    prefix: flags.prefix,
    auth: auth(flags),
    credentials: credentials(flags),
    callTimeout,
    retries: 0,
    log: 'none',
    telemetry: false,
  };
}

/** `--user name:password`, or `--user name` with `--password` / `ETCDCTL_PASSWORD`. */
function auth(flags: ConnectionFlags): EtcdLockModuleOptions['auth'] {
  if (flags.user === undefined) return undefined;
  const cut = flags.user.indexOf(':');
  const username = cut < 0 ? flags.user : flags.user.slice(0, cut);
  const password = cut < 0 ? flags.password : flags.user.slice(cut + 1);
  if (!username || password === undefined) {
    throw new UsageError(
      '--user needs a password: --user name:password, --password or ETCDCTL_PASSWORD',
    );
  }
  return { username, password };
}

function credentials(flags: ConnectionFlags): EtcdLockModuleOptions['credentials'] {
  if (!flags.cacert) {
    if (flags.cert || flags.key) throw new UsageError('--cert and --key need --cacert');
    return undefined;
  }
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  };
  return {
    rootCertificate: read(flags.cacert, '--cacert'),
    certChain: flags.cert ? read(flags.cert, '--cert') : undefined,
    privateKey: flags.key ? read(flags.key, '--key') : undefined,
  };
}
