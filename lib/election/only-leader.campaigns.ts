import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LockRunner } from '../runner/lock-runner.js';
import { LeaderService } from './leader.service.js';
import { LeadershipRegistry } from './leadership.registry.js';
import { StandingCampaign } from './standing-campaign.js';

/**
 * What `@OnlyLeader` needs: a campaign for each election it names, for as long as the app
 * runs, and runs of its methods under the leadership. An internal provider, so that neither
 * shows on `LeaderService`.
 */
@Injectable()
export class OnlyLeaderCampaigns implements OnModuleDestroy {
  /** Elections campaigned for as long as the app runs, by name. */
  private readonly standing = new Map<string, StandingCampaign>();
  /** Leader-only runs going now, by election name. */
  private readonly running = new Map<string, number>();
  /** Called when the last run of an election ends, while shutdown waits for it. */
  private readonly afterLastRun = new Map<string, () => void>();
  private closing = false;
  private readonly logger = new Logger('EtcdLock');

  constructor(
    private readonly leaders: LeaderService,
    private readonly leaderships: LeadershipRegistry,
    private readonly runner: LockRunner,
  ) {}

  /** Campaigns for `name` until the module is destroyed, again after every loss. */
  stand(name: string): void {
    if (this.standing.has(name)) return;
    const campaign = (election: string, signal: AbortSignal) =>
      this.leaders.campaign(election, { signal });
    this.standing.set(name, new StandingCampaign(name, campaign, this.logger));
  }

  /**
   * Runs `fn` if this process leads `name`, in the leadership's async context (so
   * `LockService.current(name)` gives its signal); `undefined` otherwise. A loss while `fn`
   * runs rejects at once with `LockLostError`.
   */
  async runAsLeader<T>(name: string, fn: () => T | Promise<T>): Promise<T | undefined> {
    const leadership = this.leaderships.get(name);
    if (this.closing || !leadership?.isLeader) return undefined;
    this.running.set(name, (this.running.get(name) ?? 0) + 1);
    try {
      return await this.runner.runHeld(leadership.entry, fn);
    } finally {
      const left = this.running.get(name)! - 1;
      if (left > 0) this.running.set(name, left);
      else this.running.delete(name);
      if (left === 0) this.afterLastRun.get(name)?.();
    }
  }

  /**
   * On shutdown no new leader-only run starts, and campaigns stop. An election with no run
   * going is resigned at once, so the next replica leads without waiting for a TTL. One whose
   * run still goes is resigned only when that run ends: resigning under it would let another
   * replica start the same job beside it (kubernetes #71490). If it outlasts
   * `shutdownTimeout`, the lease is left to run out rather than revoked (`LockService`).
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const standing = [...this.standing.entries()];
    this.standing.clear();
    await Promise.all(standing.map(([name, campaign]) => this.endWhenIdle(name, campaign)));
  }

  /** Shutdown (`LockService`) waits for the run up to `shutdownTimeout`, not this hook. */
  private async endWhenIdle(name: string, campaign: StandingCampaign): Promise<void> {
    await campaign.stop();
    if (!this.running.has(name)) return campaign.resign();
    this.logger.log(`"${name}": leader-only work still runs; resigning once it ends`);
    this.afterLastRun.set(name, () => void campaign.resign());
  }
}
