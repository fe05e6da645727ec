import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { LeaderService } from '../election/leader.service.js';
import { LockService } from '../lock.service.js';

/** Options of `EtcdLockHealthIndicator.isHealthy`. */
export interface EtcdLockHealthOptions {
  /** Milliseconds to wait for etcd to answer before reporting `down`. @default 1000 */
  timeout?: number;
  /**
   * Put the cause in the `down` message (the etcd host and port, whether auth or a permission
   * failed). Off by default: health endpoints are often public, and that is a map for an
   * attacker. The logs say it either way. @default false
   */
  details?: boolean;
}

/**
 * A `@nestjs/terminus` indicator: `down` if etcd does not answer in time, otherwise `up` with
 * this process's held locks, waiters, the elections it leads, and its leases (each with its
 * remaining TTL).
 * Add it to the providers of the module that imports `TerminusModule`.
 */
@Injectable()
export class EtcdLockHealthIndicator {
  // Injected as properties: the published constructor then names no type of the main entry.
  @Inject(LockService) private readonly locks!: LockService;
  @Inject(HealthIndicatorService) private readonly health!: HealthIndicatorService;
  @Inject(LeaderService) private readonly leaders!: LeaderService;

  /** `up` with this process's locks, elections and leases, or `down` if etcd does not answer in time. */
  async isHealthy<const Key extends string = 'etcd-lock'>(
    key: Key = 'etcd-lock' as Key,
    options: EtcdLockHealthOptions = {},
  ) {
    const timeout = options.timeout ?? 1000;
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new InvalidLockArgumentError({
        argument: 'timeout',
        problem: `expected milliseconds > 0, got ${timeout}`,
      });
    }
    const indicator = this.health.check(key);
    const { held, waiting, sessions } = this.locks.stats();
    const details = { held, waiting, leading: this.leaders.leading(), leases: sessions };
    try {
      await withTimeout(this.locks.ping(), timeout);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      const message = options.details ? `etcd is not reachable: ${cause}` : 'etcd unavailable';
      return indicator.down({ message, ...details });
    }
    return indicator.up(details);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
