import { Injectable } from '@nestjs/common';
import { LockService, WithLock } from '../../lib/index.js';
import { CounterStore } from './counter.store.js';
import { CriticalSectionRecorder, now } from './critical-section.recorder.js';

/** Service methods guarded three ways: decorator, `LockService.withLock`, nothing (control). */
@Injectable()
export class LedgerService {
  constructor(
    private readonly locks: LockService,
    private readonly counter: CounterStore,
    private readonly recorder: CriticalSectionRecorder,
  ) {}

  @WithLock((key: string) => `ledger:${key}`, { ttl: 5, waitTimeout: 60_000 })
  async incrementDecorated(key: string): Promise<number> {
    return this.section(key, 'decorator');
  }

  incrementWithService(key: string): Promise<number> {
    return this.locks.withLock(`ledger:${key}`, () => this.section(key, 'service'), {
      ttl: 5,
      waitTimeout: 60_000,
    });
  }

  /** One read-modify-write per name, all under one lock on every name given. */
  @WithLock((keys: string[]) => keys.map((key) => `ledger:${key}`), { ttl: 5, waitTimeout: 60_000 })
  async incrementMany(keys: string[]): Promise<void> {
    for (const key of keys) await this.section(key, 'multi');
  }

  /** Holds one of three permits of `key` for `ms`, and records when. */
  @WithLock((key: string) => `permits:${key}`, { permits: 3, ttl: 5, waitTimeout: 60_000 })
  async holdPermit(key: string, ms: number): Promise<void> {
    const lock = this.locks.current(`permits:${key}`);
    const enter = now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const fencingToken = String(lock?.fencingToken ?? -1n);
    this.recorder.record({ key, enter, exit: now(), fencingToken, value: 0, via: 'semaphore' });
  }

  /** The negative control: the same read-modify-write with no lock at all. */
  incrementUnlocked(key: string): Promise<number> {
    return this.section(key, 'unlocked');
  }

  @WithLock('reentrant')
  async outer(): Promise<string> {
    return `outer(${await this.inner()})`;
  }

  @WithLock('reentrant')
  async inner(): Promise<string> {
    return `inner:${this.locks.current('reentrant')?.reentrant === false ? 'same-lock' : 'other'}`;
  }

  @WithLock('nightly-job', { onLocked: 'skip' })
  async nightlyJob(): Promise<string | undefined> {
    return 'ran';
  }

  @WithLock('strict', { onLocked: 'throw' })
  async strict(): Promise<string> {
    return 'ran';
  }

  @WithLock(function (this: LedgerService, a: string, b: number) {
    return `${this.constructor.name}:${a}:${b}`;
  })
  async keyed(_a: string, _b: number): Promise<string | undefined> {
    return this.locks.current()?.key;
  }

  /** Most `exportReport` calls seen running at once in this process. */
  static exportsAtOnce = { now: 0, most: 0 };

  @WithLock('exports', { permits: 2, waitTimeout: 30_000 })
  async exportReport(ms: number): Promise<number> {
    const seen = LedgerService.exportsAtOnce;
    seen.most = Math.max(seen.most, ++seen.now);
    await new Promise((resolve) => setTimeout(resolve, ms));
    seen.now--;
    return this.locks.current('exports')?.permits ?? 0;
  }

  @WithLock((names: string[]) => names)
  async underNames(_names: string[]): Promise<readonly string[] | undefined> {
    return this.locks.current()?.keys;
  }

  @WithLock('fails')
  async fails(error: unknown): Promise<never> {
    throw error;
  }

  private async section(key: string, via: string): Promise<number> {
    const lock = this.locks.current(`ledger:${key}`);
    const enter = now();
    const value = await this.counter.increment(key);
    this.recorder.record({
      key,
      enter,
      exit: now(),
      fencingToken: String(lock?.fencingToken ?? -1n),
      value,
      via,
    });
    return value;
  }
}
