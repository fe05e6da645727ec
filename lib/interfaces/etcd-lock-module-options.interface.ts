import type { Etcd3 } from 'etcd3';
import type { LockTimingOptions } from './lock-options.interface.js';

export interface EtcdLockModuleOptions extends LockTimingOptions {
  /**
   * etcd endpoints, as `host:port` or URLs.
   * @default process.env.ETCD_HOSTS (comma-separated), else '127.0.0.1:2379'
   */
  hosts?: string | string[];
  /** Username and password for etcd authentication. @default none */
  auth?: { username: string; password: string };
  /** TLS material. Without it the connection is plaintext. @default none */
  credentials?: { rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer };
  /**
   * An existing client to use instead of creating one from `hosts`/`auth`/`credentials`.
   * The module never closes a client it did not create.
   * @default none
   */
  client?: Etcd3;
  /**
   * Prepended to every lock name. Lock `name` lives under `<prefix><name>/`,
   * the same layout as `etcdctl lock <prefix><name>`.
   * @default 'nestjs-lock/'
   */
  prefix?: string;
  /**
   * Deadline in milliseconds for each single etcd request (never for the watch or
   * keepalive streams), so an unreachable etcd fails instead of hanging.
   * @default 5000
   */
  callTimeout?: number;
}

export interface ResolvedModuleOptions {
  hosts: string[];
  auth?: EtcdLockModuleOptions['auth'];
  credentials?: EtcdLockModuleOptions['credentials'];
  client?: Etcd3;
  prefix: string;
  callTimeout: number;
  defaults: Required<LockTimingOptions>;
}

/** For `forRootAsync({ useClass })` and `useExisting`. */
export interface EtcdLockOptionsFactory {
  createEtcdLockOptions(): EtcdLockModuleOptions | Promise<EtcdLockModuleOptions>;
}
