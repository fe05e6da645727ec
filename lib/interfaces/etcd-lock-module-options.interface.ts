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
  /**
   * On shutdown (`app.close()`, or SIGTERM with `enableShutdownHooks()`), how long to let
   * methods that hold a lock finish before the leases are revoked, in milliseconds.
   * @default 10000
   */
  shutdownTimeout?: number;
  /**
   * Which lock events go to Nest's `Logger` (context `EtcdLock`): `'none'`, `'lost'` (a warning
   * for each lost lock) or `'all'` (every event at debug level, lost ones as warnings).
   * @default 'lost'
   */
  log?: LockLogLevel;
  /**
   * Record OpenTelemetry metrics and spans through `@opentelemetry/api` when it is installed.
   * Without an SDK registered, the API records nothing.
   * @default true
   */
  telemetry?: boolean;
}

export type LockLogLevel = 'none' | 'lost' | 'all';

export interface ResolvedModuleOptions {
  hosts: string[];
  auth?: EtcdLockModuleOptions['auth'];
  credentials?: EtcdLockModuleOptions['credentials'];
  client?: Etcd3;
  prefix: string;
  callTimeout: number;
  shutdownTimeout: number;
  log: LockLogLevel;
  telemetry: boolean;
  defaults: Required<LockTimingOptions>;
}

/** For `forRootAsync({ useClass })` and `useExisting`. */
export interface EtcdLockOptionsFactory {
  createEtcdLockOptions(): EtcdLockModuleOptions | Promise<EtcdLockModuleOptions>;
}
