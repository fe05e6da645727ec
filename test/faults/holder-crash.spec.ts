import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LockLostError, LockService } from '../../lib/index.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';

const TTL = 2;

describe('a holder that dies or freezes', () => {
  const workers: JsonLineWorker[] = [];
  afterEach(() => workers.splice(0).forEach((w) => w.dispose()));

  /** A worker process on `prefix` that is cleaned up after the test whatever happens. */
  async function startWorker(prefix: string): Promise<JsonLineWorker> {
    const worker = await JsonLineWorker.start({
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      TTL: String(TTL),
    });
    workers.push(worker);
    return worker;
  }

  it('SIGKILL mid critical section: the next waiter gets the lock within ttl + 1 s', async () => {
    const prefix = uniquePrefix('fault-kill');
    const worker = await startWorker(prefix);
    const held = await worker.ask<{ token: string }>({ op: 'acquire', key: 'job' });
    const app = await bootContext({ prefix });
    const etcd = inspector();
    const waiting = app.get(LockService).acquire('job', { waitTimeout: 30_000 });
    await expect.poll(() => keysUnder(etcd, `${prefix}job/`).then((k) => k.length)).toBe(2);

    const killedAt = performance.now();
    worker.kill('SIGKILL');
    const next = await waiting;
    const recoveryMs = performance.now() - killedAt;
    expect(next.fencingToken > BigInt(held.token)).toBe(true);
    expect(recoveryMs).toBeLessThanOrEqual((TTL + 1) * 1000);
    await next.release();
    await app.close();
    etcd.close();
    recordFault({
      scenario: 'Holder killed (SIGKILL)',
      invariant: `next waiter holds the lock within ttl + 1 s (ttl ${TTL} s)`,
      figure: `recovered in ${(recoveryMs / 1000).toFixed(2)} s`,
    });
  });

  it('SIGKILL of a semaphore holder: its permit comes back to the next waiter within ttl + 1 s', async () => {
    const prefix = uniquePrefix('fault-kill-permit');
    const worker = await startWorker(prefix);
    const held = await worker.ask<{ token: string }>({ op: 'acquire', key: 'exports', permits: 2 });
    const app = await bootContext({ prefix });
    const locks = app.get(LockService);
    const etcd = inspector();
    const mine = await locks.acquire('exports', { permits: 2 });
    const waiting = locks.acquire('exports', { permits: 2, waitTimeout: 30_000 });
    await expect.poll(() => keysUnder(etcd, `${prefix}exports/`).then((k) => k.length)).toBe(3);

    const killedAt = performance.now();
    worker.kill('SIGKILL');
    const next = await waiting;
    const recoveryMs = performance.now() - killedAt;
    expect(next.fencingToken > BigInt(held.token)).toBe(true);
    expect(mine.held).toBe(true);
    expect(recoveryMs).toBeLessThanOrEqual((TTL + 1) * 1000);
    await Promise.all([next.release(), mine.release()]);
    await app.close();
    etcd.close();
    recordFault({
      scenario: 'Semaphore holder killed (SIGKILL)',
      invariant: `the next waiter gets the dead holder's permit within ttl + 1 s (ttl ${TTL} s, 2 permits)`,
      figure: `recovered in ${(recoveryMs / 1000).toFixed(2)} s`,
    });
  });

  it('SIGKILL of a holder of two names: a waiter on either gets it within ttl + 1 s', async () => {
    const prefix = uniquePrefix('fault-kill-multi');
    const worker = await startWorker(prefix);
    const held = await worker.ask<{ token: string }>({ op: 'acquire', key: ['from', 'to'] });
    const app = await bootContext({ prefix });
    const etcd = inspector();
    const waiting = app.get(LockService).acquire(['to', 'other'], { waitTimeout: 30_000 });
    await expect.poll(() => keysUnder(etcd, `${prefix}to/`).then((k) => k.length)).toBe(2);

    const killedAt = performance.now();
    worker.kill('SIGKILL');
    const next = await waiting;
    const recoveryMs = performance.now() - killedAt;
    expect(next.fencingToken > BigInt(held.token)).toBe(true);
    expect(recoveryMs).toBeLessThanOrEqual((TTL + 1) * 1000);
    await next.release();
    await app.close();
    etcd.close();
    recordFault({
      scenario: 'Holder of two names killed (SIGKILL)',
      invariant: `a waiter on one of its names holds it within ttl + 1 s (ttl ${TTL} s)`,
      figure: `recovered in ${(recoveryMs / 1000).toFixed(2)} s`,
    });
  });

  it('SIGSTOP past the TTL: another holder gets in; the frozen one learns it lost the lock', async () => {
    const prefix = uniquePrefix('fault-freeze');
    const worker = await startWorker(prefix);
    const frozen = await worker.ask<{ token: string; etcdKey: string }>({
      op: 'acquire',
      key: 'job',
    });
    worker.send({ op: 'slowJob', key: 'slow', ms: 300 });
    expect(await worker.next()).toEqual({ entered: true });
    const app = await bootContext({ prefix });
    const locks = app.get(LockService);
    const etcd = inspector();

    worker.kill('SIGSTOP');
    const frozenAt = performance.now();
    const taken = await locks.acquire('job', { waitTimeout: 30_000 });
    const takeoverMs = performance.now() - frozenAt;
    const slowTaken = await locks.acquire('slow', { waitTimeout: 30_000 });
    worker.kill('SIGCONT');

    // The decorated method finished after its lock was gone: it must not report success.
    expect(await worker.next()).toEqual({ outcome: 'rejected', error: LockLostError.name });
    const status = await worker.ask<{ aborted: boolean; reason: string; held: boolean }>({
      op: 'status',
    });
    expect(status).toEqual({ aborted: true, reason: LockLostError.name, held: false });
    const write = await worker.ask<{ succeeded: boolean }>({
      op: 'fencedWrite',
      key: `${prefix}resource`,
      value: 'stale',
    });
    expect(write.succeeded).toBe(false);
    expect(await etcd.get(`${prefix}resource`).string()).toBeNull();
    await worker.ask({ op: 'release' });
    expect(await keysUnder(etcd, `${prefix}job/`)).toEqual([taken.etcdKey]);
    expect(taken.held).toBe(true);
    expect(taken.fencingToken > BigInt(frozen.token)).toBe(true);

    await Promise.all([taken.release(), slowTaken.release()]);
    worker.child.stdin!.end();
    await once(worker.child, 'exit');
    await app.close();
    etcd.close();
    recordFault({
      scenario: 'Holder frozen (SIGSTOP > ttl)',
      invariant:
        'new holder gets in; on waking the old one sees LockLostError, its fenced write is rejected, its release spares the new key, its @WithLock call rejects',
      figure: `new holder after ${(takeoverMs / 1000).toFixed(2)} s; stale fenced write rejected; decorated call rejected with LockLostError`,
    });
  });
});
