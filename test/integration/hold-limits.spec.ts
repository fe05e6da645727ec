import type { DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  EtcdLockModule,
  type EtcdLockModuleOptions,
  InvalidLockArgumentError,
  LockLostError,
  LockService,
} from '../../lib/index.js';
import { EtcdLockTestingModule } from '../../lib/testing/index.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { BACKENDS, type BackendKind, etcdHosts, uniquePrefix } from '../support/lock-app.js';

/** Long enough that a test waiting for it would hit its own timeout instead. */
const FOREVER_MS = 600_000;

async function boot(kind: BackendKind, options: EtcdLockModuleOptions) {
  const prefix = uniquePrefix('limits');
  const module: DynamicModule =
    kind === 'memory'
      ? EtcdLockTestingModule.forRoot({ prefix, ...options })
      : EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix, ...options });
  const logger = new CapturingLogger();
  const moduleRef: TestingModule = await Test.createTestingModule({ imports: [module] })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return { moduleRef, locks: moduleRef.get(LockService), logger };
}

const lostEvent = (locks: LockService, key: string) =>
  firstValueFrom(locks.events$.pipe(filter((e) => e.kind === 'lock.lost' && e.key === key)));

describe.each(BACKENDS)('maxHold (%s backend)', (kind) => {
  it('lets go of a lock held longer than maxHold and rejects withLock with LockLostError', async () => {
    const { moduleRef, locks } = await boot(kind, {});
    let signal: AbortSignal | undefined;
    const hung = locks.withLock(
      'hung',
      async (lock) => {
        signal = lock.signal;
        await new Promise(() => {}); // a method that never returns
      },
      { maxHold: 200 },
    );
    const error = await hung.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockLostError);
    expect((error as LockLostError).reason).toBe('held longer than maxHold (200 ms)');
    expect(signal?.aborted).toBe(true);
    const next = await locks.acquire('hung', { waitTimeout: 5000 }); // the next waiter gets in
    await next.release();
    await moduleRef.close();
  });

  it('applies the module-wide maxHold to acquire() too', async () => {
    const { moduleRef, locks } = await boot(kind, { maxHold: 150 });
    const lost = lostEvent(locks, 'module-wide');
    const lock = await locks.acquire('module-wide');
    await lost;
    expect(lock.held).toBe(false);
    expect((lock.signal.reason as LockLostError).reason).toMatch(/maxHold \(150 ms\)/);
    await moduleRef.close();
  });

  it('refuses a holdAtLeast longer than maxHold before anything is acquired', async () => {
    const { moduleRef, locks } = await boot(kind, { maxHold: 1000 });
    const call = locks.withLock('too-long', () => 'ran', { holdAtLeast: 5000 });
    await expect(call).rejects.toBeInstanceOf(InvalidLockArgumentError);
    await expect(call).rejects.toThrow(/5000 ms is longer than maxHold \(1000 ms\)/);
    expect(locks.stats()).toMatchObject({ held: 0, waiting: 0 });
    await moduleRef.close();
  });
});

describe.each(BACKENDS)('shutdown with a lock nobody releases (%s backend)', (kind) => {
  it('does not wait for it, and warns where it was acquired', async () => {
    const { moduleRef, locks, logger } = await boot(kind, { shutdownTimeout: FOREVER_MS });
    const forgotten = await locks.acquire('forgotten');
    await moduleRef.close(); // would wait FOREVER_MS if shutdown waited for it
    expect(forgotten.signal.aborted).toBe(true);
    const warning = logger.lines.find((l) => l.includes('"forgotten" was never released'));
    expect(warning).toMatch(
      /never released: held for [\d.]+ s, acquired at .*hold-limits\.spec\.ts:\d+:\d+.*Shutdown does not wait for it/,
    );
  });

  it('still waits for a withLock body that is running, then releases it', async () => {
    const { moduleRef, locks, logger } = await boot(kind, { shutdownTimeout: FOREVER_MS });
    let finishBody!: () => void;
    const started = new Promise<void>((resolve) => {
      void locks.withLock('running', async () => {
        resolve();
        await new Promise<void>((r) => (finishBody = r));
      });
    });
    await started;
    const waiter = locks.acquire('running', { waitTimeout: Infinity });
    let closed = false;
    const closing = moduleRef.close().then(() => (closed = true));
    // The waiter is turned away when shutdown begins; the running body still holds it open.
    await expect(waiter).rejects.toMatchObject({ kind: 'shutdown' });
    expect(closed).toBe(false);
    finishBody();
    await closing;
    expect(logger.lines.filter((l) => l.includes('never released'))).toEqual([]);
  });
});
