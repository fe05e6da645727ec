/** Registers `LockService` for the application: `EtcdLockModule.forRoot()` or `forRootAsync()`. */
export { EtcdLockModule } from './etcd-lock.module.js';
/** Acquire, try, run under a lock; the current lock; events, stats and a ping. */
export { LockService } from './lock.service.js';
/** Leader election: campaign, who leads, observe changes; Go `concurrency.Election` layout. */
export { LeaderService } from './election/leader.service.js';
/** Method decorator: runs only on the replica that leads the election; campaigns at bootstrap. */
export { OnlyLeader } from './decorators/only-leader.decorator.js';
/** A leadership this process holds, who leads an election, and the campaign options. */
export type { CampaignOptions, LeaderInfo, Leadership } from './election/leadership.interface.js';
/** Method decorator: a scheduled method runs once per tick across the fleet, with a history. */
export { OncePerTick, type OncePerTickDecorator } from './decorators/once-per-tick.decorator.js';
/** The history of `@OncePerTick` jobs as recorded in etcd: runs and status per job. */
export { JobsService } from './jobs/jobs.service.js';
/** One recorded run of a job, its outcome, a job's status, and `@OncePerTick` options. */
export type {
  JobRun,
  JobRunOutcome,
  JobStatus,
  OncePerTickOptions,
} from './interfaces/job-run.interface.js';
/** Method decorator: holds the lock while a controller or provider method runs. */
export { WithLock } from './decorators/with-lock.decorator.js';
/** A method `@WithLock` can wrap: it returns a Promise or an Observable. */
export type { LockableMethod } from './decorators/with-lock-decorator.interface.js';
/** The decorator `@WithLock` returns. */
export type { WithLockDecorator } from './decorators/with-lock-decorator.interface.js';
/** The decorator `@WithLock` returns with `onLocked: 'skip'`: the result must admit `undefined`. */
export type { SkippingWithLockDecorator } from './decorators/with-lock-decorator.interface.js';
/** The decorator `@OnlyLeader` returns: the result must admit `undefined`. */
export type { OnlyLeaderDecorator } from './decorators/with-lock-decorator.interface.js';
/** The compile-time check that a skipped call's declared result admits `undefined`. */
export type { AdmitsUndefined } from './decorators/with-lock-decorator.interface.js';
/** What a lockable method resolves to or emits. */
export type { Settled } from './decorators/with-lock-decorator.interface.js';
/** A lock name, or a function of the method's arguments that returns one. */
export type { LockKey } from './decorators/lock-key.resolver.js';
/** A held lock: fencing token, loss signal, guarded transactions, release. */
export type { Lock } from './interfaces/lock.interface.js';
/** What `LockService.inspect` and `list` report, and the options of `list` and `forceRelease`. */
export type {
  ForceReleaseOptions,
  ListLocksOptions,
  LockEntry,
  LockInfo,
} from './interfaces/lock-entry.interface.js';
/**
 * What `LockService.events$` emits; its kinds (`'lock.acquired'`, `'leader.lost'`, ...); each
 * kind's fields; and, deprecated for one minor version, the old names kept in `type`.
 */
export type {
  LegacyLockEventTypes,
  LockEvent,
  LockEventFields,
  LockEventKind,
  LockEventType,
} from './interfaces/lock-event.interface.js';
/** What `LockService.stats()` returns, and one lease in it. */
export type {
  BatchCounts,
  LockStats,
  SessionDiagnostics,
} from './interfaces/lock-stats.interface.js';
/** A live page of every lock, its holders and waiters, and recent events (opt-in). */
export { EtcdLockDashboardModule } from './dashboard/etcd-lock-dashboard.module.js';
/** The dashboard's options. */
export type { EtcdLockDashboardOptions } from './dashboard/dashboard-options.interface.js';
/** Maps lock errors per transport: HTTP 423/503, RPC and WebSocket payloads, GraphQL codes. */
export { LockExceptionFilter } from './transport/lock-exception.filter.js';
/**
 * The etcd3 types the API uses (the module's client, `ifHeld()`'s transaction builder),
 * so an app types them without importing etcd3, which pnpm's strict layout would refuse.
 */
export type { ComparatorBuilder, Etcd3 } from 'etcd3';
/** Tokens: the module's `Etcd3` client, and the filter's options for a DI-created filter. */
export { ETCD_LOCK_CLIENT, LOCK_EXCEPTION_FILTER_OPTIONS } from './etcd-lock.constants.js';
/**
 * The filter's options, the module's `httpErrors` option, the JSON body it sends over HTTP, and
 * the payload RPC and WebSocket callers get.
 */
export type {
  HttpErrorsOption,
  LockErrorBody,
  LockErrorPayload,
  LockExceptionFilterOptions,
} from './interfaces/lock-exception-filter-options.interface.js';
/**
 * Module options: how to reach etcd, how locks behave, what `forRoot` and `forRootAsync` take,
 * and the async-options factory.
 */
export type {
  EtcdConnectionOptions,
  EtcdLockModuleExtras,
  EtcdLockModuleOptions,
  EtcdLockOptionsFactory,
  EtcdLockRootAsyncOptions,
  EtcdLockRootOptions,
  LockAlertOptions,
  LockLogLevel,
  LockModuleSettings,
} from './interfaces/etcd-lock-module-options.interface.js';
/** Per-call options of `acquire`, `tryAcquire`, `withLock` and `@WithLock`, and how metrics name a call. */
export type {
  AcquireOptions,
  HoldOptions,
  LockMetricOptions,
  LockMode,
  LockShapeOptions,
  LockTimingOptions,
  OnLocked,
  WithLockCallOptions,
  WithLockOptions,
} from './interfaces/lock-options.interface.js';
/** Base class of every error the library throws. */
export { EtcdLockError } from './errors/etcd-lock.error.js';
/** Not acquired: timed out, aborted, shutting down, or busy (see `kind`). */
export { LockTimeoutError } from './errors/lock-timeout.error.js';
/** What a `LockTimeoutError` is built from. */
export type { LockTimeoutErrorOptions } from './errors/lock-timeout.error.js';
/** Which case a `LockTimeoutError` is. */
export type { LockTimeoutKind } from './errors/lock-timeout.error.js';
/** A held lock can no longer be trusted; `reason` says why. */
export { LockLostError } from './errors/lock-lost.error.js';
/** What a `LockLostError` is built from. */
export type { LockLostErrorOptions } from './errors/lock-lost.error.js';
/** etcd failed or was unreachable after every retry, or the application is shutting down. */
export { LockAcquireError } from './errors/lock-acquire.error.js';
/** What a `LockAcquireError` is built from. */
export type { LockAcquireErrorOptions } from './errors/lock-acquire.error.js';
/** A request to etcd failed: the member, the cause (`code`) and a hint. */
export { EtcdRequestError } from './errors/etcd-request.error.js';
/** What an `EtcdRequestError` is built from. */
export type { EtcdRequestErrorOptions } from './errors/etcd-request.error.js';
/** The causes `EtcdRequestError.code` names. */
export type { EtcdFailureCode } from './errors/etcd-request.error.js';
/** A wait for a lock that the caller's own async context holds: thrown at once. */
export { SelfDeadlockError } from './errors/self-deadlock.error.js';
/** What a `SelfDeadlockError` is built from. */
export type { SelfDeadlockErrorOptions } from './errors/self-deadlock.error.js';
/** A held lock's shape, as `SelfDeadlockError` names it. */
export type { ShapeOfLock } from './errors/lock-shape.description.js';
/** Holders of one name disagree on its permits (or a semaphore meets a plain lock). */
export { PermitsMismatchError } from './errors/permits-mismatch.error.js';
/** What a `PermitsMismatchError` is built from. */
export type { PermitsMismatchErrorOptions } from './errors/permits-mismatch.error.js';
/** A key, option or decorator argument is invalid; nothing reached etcd. */
export { InvalidLockArgumentError } from './errors/invalid-lock-argument.error.js';
/** What an `InvalidLockArgumentError` is built from. */
export type { InvalidLockArgumentErrorOptions } from './errors/invalid-lock-argument.error.js';
/** A `@WithLock` method ran on an instance Nest did not create. */
export { LockModuleMissingError } from './errors/lock-module-missing.error.js';
/** What a `LockModuleMissingError` is built from. */
export type { LockModuleMissingErrorOptions } from './errors/lock-module-missing.error.js';
/** The prefix every lock name is stored under unless `prefix` says otherwise. */
export { DEFAULT_PREFIX } from './options/lock-options.defaults.js';
