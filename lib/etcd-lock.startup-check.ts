import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ETCD_LOCK_BACKEND, ETCD_LOCK_SETTINGS } from './etcd-lock.constants.js';
import type { ResolvedLockSettings } from './interfaces/etcd-lock-module-options.interface.js';
import type { LockBackend } from './lock/lock-backend.interface.js';
import { LockRunner } from './runner/lock-runner.js';

/**
 * Says once, at start-up, if etcd cannot serve locks (the app starts anyway: etcd may come
 * up), or runs a release with a known bug that costs locks. Silent with `log: 'none'`.
 */
@Injectable()
export class LockStartupCheck implements OnApplicationBootstrap {
  @Inject(ETCD_LOCK_SETTINGS) private readonly settings!: ResolvedLockSettings;
  @Inject(ETCD_LOCK_BACKEND) private readonly backend!: LockBackend;
  @Inject(LockRunner) private readonly runner!: LockRunner;
  private readonly logger = new Logger('EtcdLock');

  onApplicationBootstrap(): void {
    if (this.settings.log === 'none') return;
    this.backend.ping().then(
      () => this.warnOfServerBugs(),
      (error: unknown) => {
        if (this.runner.stopped) return; // closed before etcd answered: nothing to report
        const why = error instanceof Error ? error.message : String(error);
        this.logger.warn(`etcd cannot serve locks yet: ${why} Locks fail until it can.`);
      },
    );
  }

  private warnOfServerBugs(): void {
    // Best effort: a member that does not say its version still serves locks.
    this.backend.serverWarnings().then(
      (warnings) => warnings.forEach((warning) => this.logger.warn(warning)),
      () => undefined,
    );
  }
}
