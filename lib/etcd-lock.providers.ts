import type { Provider } from '@nestjs/common';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS } from './etcd-lock.constants.js';
import { LeaderService } from './election/leader.service.js';
import { LeadershipRegistry } from './election/leadership.registry.js';
import { OnlyLeaderCampaigns } from './election/only-leader.campaigns.js';
import { OnlyLeaderExplorer } from './election/only-leader.explorer.js';
import { logLockEvents } from './events/lock-event.logger.js';
import { LockTracker } from './events/lock-tracker.js';
import { LockInspector } from './inspect/lock-inspector.js';
import type { ResolvedLockSettings } from './interfaces/etcd-lock-module-options.interface.js';
import type { LockBackend } from './lock/lock-backend.interface.js';
import { JobsService } from './jobs/jobs.service.js';
import { OncePerTickRunner } from './jobs/once-per-tick.runner.js';
import { LockService } from './lock.service.js';
import { LockStartupCheck } from './etcd-lock.startup-check.js';
import { LockContext } from './runner/lock-context.js';
import { LockRunner } from './runner/lock-runner.js';

/**
 * What `EtcdLockModule` and `EtcdLockTestingModule` both provide over their backend: the two
 * public services, and the internal pieces they and the decorators are built from. The
 * pieces are Nest providers, not package exports: constructors of the services take none.
 */
export const LOCK_CORE_PROVIDERS: Provider[] = [
  {
    provide: LockTracker,
    // Logging ends with the tracker, which completes its events on shutdown.
    useFactory: ({ alerts, log }: ResolvedLockSettings, backend: LockBackend) => {
      const tracker = new LockTracker(alerts);
      logLockEvents(tracker.events$, log);
      // Ends with the backend, which completes it on close.
      backend.lateRenewals$?.subscribe(({ leaseHex, keys, ...late }) =>
        tracker.emit('lock.renewal-late', { key: leaseHex, keys, ...late }),
      );
      return tracker;
    },
    inject: [ETCD_LOCK_SETTINGS, ETCD_LOCK_BACKEND],
  },
  { provide: LockContext, useFactory: () => new LockContext() },
  {
    provide: LockRunner,
    useFactory: (
      backend: LockBackend,
      settings: ResolvedLockSettings,
      tracker: LockTracker,
      context: LockContext,
    ) => new LockRunner(backend, settings.defaults, tracker, context),
    inject: [ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS, LockTracker, LockContext],
  },
  {
    provide: LockInspector,
    useFactory: (backend: LockBackend, tracker: LockTracker, settings: ResolvedLockSettings) =>
      new LockInspector(backend, tracker, settings.prefix),
    inject: [ETCD_LOCK_BACKEND, LockTracker, ETCD_LOCK_SETTINGS],
  },
  { provide: LeadershipRegistry, useFactory: () => new LeadershipRegistry() },
  LockService,
  LockStartupCheck,
  LeaderService,
  OnlyLeaderCampaigns,
  OnlyLeaderExplorer,
  JobsService,
  OncePerTickRunner,
];

/** What the modules export to the app: the services, and what the decorators inject. */
export const LOCK_CORE_EXPORTS = [
  LockService,
  LeaderService,
  JobsService,
  LockRunner,
  OnlyLeaderCampaigns,
  OncePerTickRunner,
];
