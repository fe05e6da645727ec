import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderService } from '../../lib/index.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';

const TTL = 2;

describe('a leader that stops, dies or freezes', () => {
  const workers: JsonLineWorker[] = [];
  afterEach(() => workers.splice(0).forEach((w) => w.dispose()));

  /** A worker process that leads `reports` on `prefix`, and a replica here waiting to. */
  async function leaderAndStandby(prefix: string) {
    const worker = await JsonLineWorker.start({
      ETCD_HOSTS: etcdHosts(),
      LOCK_PREFIX: prefix,
      TTL: String(TTL),
    });
    workers.push(worker);
    const led = await worker.ask<{ term: string }>({
      op: 'campaign',
      name: 'reports',
      value: 'worker',
    });
    const app = await bootContext({ prefix, ttl: TTL });
    const etcd = inspector();
    const standby = app.get(LeaderService).campaign('reports', { value: 'standby' });
    // In line behind the worker's key before the fault.
    await expect.poll(() => keysUnder(etcd, `${prefix}reports/`).then((k) => k.length)).toBe(2);
    const close = async () => (await app.close(), etcd.close());
    return { worker, term: BigInt(led.term), app, standby, close };
  }

  it('graceful shutdown: the standby leads within 1 s', async () => {
    const { worker, term, standby, close } = await leaderAndStandby(uniquePrefix('lead-close'));
    const closedAt = performance.now();
    await worker.ask({ op: 'close' });
    const next = await standby;
    const handoverMs = performance.now() - closedAt;
    expect(next.term > term).toBe(true);
    expect(handoverMs).toBeLessThanOrEqual(1000);
    await next.resign();
    await close();
    recordFault({
      scenario: 'Elected leader shut down gracefully',
      invariant: 'the standby leads within 1 s, with a higher term',
      figure: `standby led ${(handoverMs / 1000).toFixed(2)} s after close() began`,
    });
  });

  it(`SIGKILL: the standby leads within ttl + 1 s (ttl ${TTL} s)`, async () => {
    const { worker, term, standby, close } = await leaderAndStandby(uniquePrefix('lead-kill'));
    const killedAt = performance.now();
    worker.kill('SIGKILL');
    const next = await standby;
    const handoverMs = performance.now() - killedAt;
    expect(next.term > term).toBe(true);
    expect(handoverMs).toBeLessThanOrEqual((TTL + 1) * 1000);
    await next.resign();
    await close();
    recordFault({
      scenario: 'Elected leader killed (SIGKILL)',
      invariant: `the standby leads within ttl + 1 s (ttl ${TTL} s), with a higher term`,
      figure: `standby led ${(handoverMs / 1000).toFixed(2)} s after the kill`,
    });
  });

  it('SIGSTOP past the TTL: the standby leads; on waking the old leader is told, and its fenced write fails', async () => {
    const prefix = uniquePrefix('lead-freeze');
    const { worker, term, standby, close } = await leaderAndStandby(prefix);
    const frozenAt = performance.now();
    worker.kill('SIGSTOP');
    const next = await standby;
    const handoverMs = performance.now() - frozenAt;
    worker.kill('SIGCONT');
    const write = await worker.ask<{ succeeded: boolean }>({
      op: 'leaderFencedWrite',
      key: `${prefix}resource`,
      value: 'stale',
    });
    const status = await worker.ask<{ aborted: boolean; reason: string; leads: boolean }>({
      op: 'leaderStatus',
    });
    expect(next.term > term).toBe(true);
    expect(write.succeeded).toBe(false);
    expect(status).toEqual({ aborted: true, reason: 'LockLostError', leads: false });
    await next.resign();
    await close();
    recordFault({
      scenario: 'Elected leader frozen (SIGSTOP > ttl)',
      invariant:
        'the standby leads with a higher term; the woken leader sees LockLostError and its fenced write is rejected',
      figure: `standby led ${(handoverMs / 1000).toFixed(2)} s after the freeze; stale fenced write rejected`,
    });
  });
});
