import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { etcdHosts, keysUnder, uniquePrefix, useLockApp } from '../support/lock-app.js';

const TTL_MS = 30_000; // the worker's lease TTL: "at once" means far below it

describe('graceful shutdown with enableShutdownHooks() and SIGTERM', () => {
  const prefix = uniquePrefix('shutdown');
  const fx = useLockApp({ prefix });

  /** A worker process inside the locked job, with this app's waiter queued behind it. */
  async function holderAndWaiter(shutdownTimeout: number, ttlSeconds = TTL_MS / 1000) {
    const env = {
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      SHUTDOWN_TIMEOUT: `${shutdownTimeout}`,
      TTL: `${ttlSeconds}`,
    };
    const worker = await JsonLineWorker.start(env, 'shutdown-worker');
    worker.send({ op: 'run' });
    expect(await worker.next()).toEqual({ entered: true });
    const queued = firstValueFrom(fx.locks.events$.pipe(filter((e) => e.kind === 'lock.queued')));
    const waiter = fx.locks.acquire('drain-job', { waitTimeout: 60_000 });
    let acquiredAt: number | undefined;
    void waiter.then(() => (acquiredAt = performance.now()));
    await queued;
    worker.kill('SIGTERM');
    expect(await worker.next()).toEqual({ sigterm: true });
    return { worker, waiter, acquiredAt: () => acquiredAt };
  }

  it('lets the locked method finish, then releases: the waiter elsewhere gets it at once', async () => {
    const { worker, waiter, acquiredAt } = await holderAndWaiter(10_000);
    // SIGTERM arrived while the job held the lock: still held, the waiter still waits.
    expect(await keysUnder(fx.etcd, `${prefix}drain-job/`)).toHaveLength(2);
    expect(acquiredAt()).toBeUndefined();
    worker.send({ op: 'finish' });
    expect(await worker.next()).toEqual({ finished: true });
    const finishedAt = performance.now();
    const lock = await waiter;
    expect(acquiredAt()! - finishedAt).toBeLessThan(TTL_MS / 6);
    if (worker.child.exitCode === null) await once(worker.child, 'exit');
    expect(worker.child.signalCode ?? worker.child.exitCode).toBe('SIGTERM');
    await lock.release();
    worker.dispose();
  });

  it('bounds the wait by shutdownTimeout: the job is told, and its lease runs out rather than being revoked under it', async () => {
    const ttl = 3;
    const { worker, waiter, acquiredAt } = await holderAndWaiter(1_000, ttl);
    const sigtermAt = performance.now();
    expect(await worker.next()).toEqual({ aborted: 'LockLostError' });
    const toldAt = performance.now();
    // The job may still be running: its key stays, so the waiter here does not start beside it.
    expect(await keysUnder(fx.etcd, `${prefix}drain-job/`)).toHaveLength(2);
    expect(acquiredAt()).toBeUndefined();
    const lock = await waiter;
    expect(toldAt - sigtermAt).toBeGreaterThanOrEqual(1_000);
    // Renewed every ttl/3 until then, the lease runs out within ttl, plus the handoff.
    expect(acquiredAt()! - toldAt).toBeLessThan(ttl * 1000 + 1_000);
    // It exits on its own SIGTERM once closed, maybe already: then only signalCode is set.
    const { exitCode, signalCode } = worker.child;
    if (exitCode === null && signalCode === null) await once(worker.child, 'exit');
    await lock.release();
    worker.dispose();
  });

  it('exits once closed in the middle of acquisitions: their clean-up does not outlive the clients', async () => {
    const env = { ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: prefix, SHUTDOWN_TIMEOUT: '1000' };
    for (let round = 0; round < 8; round++) {
      const worker = await JsonLineWorker.start(env, 'shutdown-worker');
      worker.send({ op: 'churn', count: 8 });
      expect(await worker.next()).toEqual({ churning: true });
      const exited = once(worker.child, 'exit');
      worker.send({ op: 'close' });
      expect(await worker.next()).toEqual({ closed: true });
      // Nothing keeps a closed app's process alive: it exits by itself, well within this.
      await Promise.race([exited, once(AbortSignal.timeout(TTL_MS / 3), 'abort')]);
      expect(worker.child.exitCode).toBe(0);
      worker.dispose();
    }
    expect(await keysUnder(fx.etcd, `${prefix}churn/`)).toEqual([]);
  });
});
