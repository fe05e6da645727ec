import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockLostError, LockService } from '../../lib/index.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

const TTL = 4;

describe('a lock lost while its only etcd is frozen', () => {
  let etcd: EtcdInstance;
  beforeAll(async () => {
    etcd = await startEtcd(); // its own etcd: the test freezes it
  });
  afterAll(async () => {
    process.kill(etcd.pid, 'SIGCONT');
    await etcd.stop();
  });

  it('rejects withLock as soon as the loss is known, without waiting for the frozen etcd', async () => {
    const app = await bootContext({
      hosts: etcd.endpoint,
      prefix: uniquePrefix('frozen'),
      ttl: TTL,
    });
    const locks = app.get(LockService);
    let holding!: (signal: AbortSignal) => void;
    const held = new Promise<AbortSignal>((resolve) => (holding = resolve));
    const outcome = locks
      .withLock('job', async (lock) => {
        holding(lock.signal);
        await new Promise(() => {}); // work that never finishes on its own
      })
      .then(
        () => undefined,
        (error: unknown) => ({ error, at: performance.now() }),
      );
    const signal = await held;
    const frozenAt = performance.now();
    process.kill(etcd.pid, 'SIGSTOP');
    await once(signal, 'abort');
    const lostAt = performance.now();
    const rejected = await outcome;
    process.kill(etcd.pid, 'SIGCONT');
    expect(rejected?.error).toBeInstanceOf(LockLostError);
    const toLoss = (lostAt - frozenAt) / 1000;
    const toReject = rejected!.at - lostAt;
    await app.close();
    recordFault({
      scenario: 'Lock lost while etcd is frozen, ttl 4',
      invariant: 'withLock rejects with LockLostError at once; the release runs in the background',
      figure: `loss noticed ${toLoss.toFixed(2)} s after the freeze; withLock rejected ${toReject.toFixed(1)} ms after that`,
    });
  });
});
