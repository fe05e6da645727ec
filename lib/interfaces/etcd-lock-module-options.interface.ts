import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import type { HttpErrorsOption } from './lock-exception-filter-options.interface.js';
import type { LockTimingOptions, ResolvedTimingOptions } from './lock-options.interface.js';

/** How to reach etcd. The in-memory testing module takes none of these. */
export interface EtcdConnectionOptions {
  /**
   * etcd endpoints, as `host:port` or URLs: an array, or one comma-separated string.
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
   * How long one etcd member may leave a request (or a lease renewal) unanswered, in
   * milliseconds, before the lock skips that member for a few seconds and asks the next one.
   * A frozen or partitioned member costs a call at most this much. Each retry gets it anew.
   * With a single member (or `client`) there is no other member to ask, so the default is
   * longer: a short deadline would only turn a slow disk into errors.
   * @default 1000 with several hosts, 5000 with one
   */
  callTimeout?: number;
  /**
   * Group commit: enqueues (and releases) that come while one is in flight wait for it, then go
   * together in one etcd transaction, each as a nested transaction with its own compare and
   * its own create revision. A lone caller's request goes at once. Entries of one name (or of
   * names nested in each other) never share a transaction, so fencing tokens still strictly
   * increase per name. `false` sends every request alone.
   *
   * Off by default when etcd may check permissions (`auth`, a client certificate, or `client`):
   * etcd before 3.4.42, 3.5.28 and 3.6.9 does not check them inside nested transactions, so a
   * batch could take a lock your roles deny. Turn it on there only with a fixed etcd; the
   * module warns at start-up if the server is older.
   * @default true, or false with auth, a client certificate or a client of yours
   */
  groupCommit?: boolean;
  /**
   * The server's `--max-txn-ops`: how many operations one transaction may hold. Group commit
   * keeps every batch under it, counted as etcd counts them (the outer transaction's ops, plus
   * the largest nested one's). Lower it if your etcd runs with a lower limit; a batch refused for
   * its size is sent again one request at a time, and later batches are kept to half.
   * @default 128
   */
  maxTxnOps?: number;
}

/** How locks behave, whatever stores them. */
export interface LockModuleSettings extends LockTimingOptions {
  /**
   * Prepended to every lock name; must end with `/`. Lock `name` lives under `<prefix><name>/`,
   * the same layout as `etcdctl lock <prefix><name>`.
   * @default 'nestjs-lock/'
   */
  prefix?: string;
  /**
   * On shutdown (`app.close()`, or SIGTERM with `enableShutdownHooks()`), how long to let
   * methods that hold a lock (and `@OnlyLeader` runs) finish before the leases are revoked, in
   * milliseconds. A lease under a method still running then is left to run out, not revoked.
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
  /**
   * Warnings for work that takes too long: each becomes an event (`lock.held-too-long`,
   * `lock.waiting-too-long`), a log warning (unless `log: 'none'`) and the OpenTelemetry counter
   * `etcd_lock.alerts`. Milliseconds; each fires once per acquisition. Off by default.
   * @default { heldLongerThan: Infinity, waitingLongerThan: Infinity }
   */
  alerts?: LockAlertOptions;
  /**
   * The wall clock `@OncePerTick` reads to tell which tick a call belongs to, in milliseconds
   * since the epoch. Replace it in tests to play replicas whose clocks disagree.
   * @default Date.now
   */
  clock?: () => number;
}

/** When to warn about a lock held or waited for too long (an event and a log line); off unless set. */
export interface LockAlertOptions {
  /** Warn when one lock has been held this long. @default Infinity (off) */
  heldLongerThan?: number;
  /** Warn when one caller has waited this long for a lock. @default Infinity (off) */
  waitingLongerThan?: number;
}

/** Options of `EtcdLockModule.forRoot()` and of the factory behind `forRootAsync()`. */
export interface EtcdLockModuleOptions extends EtcdConnectionOptions, LockModuleSettings {}

/** Which lock events are logged: see `EtcdLockModuleOptions.log`. */
export type LockLogLevel = 'none' | 'lost' | 'all';

/** Given to `forRoot`/`forRootAsync` directly: they shape the module, not the locks. */
export interface EtcdLockModuleExtras {
  /** Register `LockService` globally. @default true */
  isGlobal?: boolean;
  /**
   * Map lock errors on HTTP routes app-wide: `LockTimeoutError` → 423, `LockAcquireError` →
   * 503, with `Retry-After`. Pass `LockExceptionFilterOptions` to change the statuses, or
   * `false` to let your own exception filters see them.
   * @default true
   */
  httpErrors?: HttpErrorsOption;
}

/** What `EtcdLockModule.forRoot()` takes: the options, and the module's own extras. */
export interface EtcdLockRootOptions extends EtcdLockModuleOptions, EtcdLockModuleExtras {}

/**
 * What `EtcdLockModule.forRootAsync()` takes: a factory (`useFactory` with `inject`), a class
 * (`useClass`) or an existing provider (`useExisting`) that makes the options, and the extras.
 */
export interface EtcdLockRootAsyncOptions
  extends
    ConfigurableModuleAsyncOptions<EtcdLockModuleOptions, 'createEtcdLockOptions'>,
    EtcdLockModuleExtras {}

/** For `forRootAsync({ useClass })` and `useExisting`. */
export interface EtcdLockOptionsFactory {
  /** Makes the module's options; may be async. */
  createEtcdLockOptions(): EtcdLockModuleOptions | Promise<EtcdLockModuleOptions>;
}

/** `LockModuleSettings` after validation, with every default filled in. */
export interface ResolvedLockSettings {
  prefix: string;
  shutdownTimeout: number;
  log: LockLogLevel;
  telemetry: boolean;
  alerts: Required<LockAlertOptions>;
  clock: () => number;
  defaults: ResolvedTimingOptions;
}

/** `EtcdConnectionOptions` after validation, with every default filled in. */
export interface ResolvedConnection {
  hosts: string[];
  auth?: EtcdConnectionOptions['auth'];
  credentials?: EtcdConnectionOptions['credentials'];
  client?: Etcd3;
  callTimeout: number;
  groupCommit: boolean;
  maxTxnOps: number;
}
