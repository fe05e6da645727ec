import type { INestApplicationContext } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lock, LockAcquireError, LockService } from '../../lib/index.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext, etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';
import { LossyProxy } from '../support/lossy-proxy.js';

describe('replies lost after etcd committed the request', () => {
  const prefix = uniquePrefix('fault-lost');
  let proxy: LossyProxy;
  let viaProxy: INestApplicationContext;
  let direct: INestApplicationContext;
  let etcd: Etcd3;

  beforeAll(async () => {
    proxy = new LossyProxy(etcdHosts());
    const proxied = await proxy.listen();
    const options = { prefix, ttl: 10, callTimeout: 1_000, retries: 5, retryDelay: 50 };
    viaProxy = await bootContext({ ...options, hosts: proxied });
    direct = await bootContext(options);
    etcd = inspector();
    await (await viaProxy.get(LockService).acquire('warm-up')).release();
  });
  afterAll(async () => {
    await Promise.all([viaProxy.close(), direct.close()]);
    await proxy.close();
    etcd.close();
  });

  it('a retried acquire whose first reply was lost queues once, not twice', async () => {
    proxy.dropReplies = true;
    const acquiring = viaProxy.get(LockService).acquire('acquire-lost');
    await expect
      .poll(() => keysUnder(etcd, `${prefix}acquire-lost/`).then((k) => k.length))
      .toBe(1);
    proxy.dropReplies = false;
    proxy.cutAll();
    const lock = await acquiring;
    const keys = await keysUnder(etcd, `${prefix}acquire-lost/`);
    expect(keys).toEqual([lock.etcdKey]);
    await lock.release();
    expect(await keysUnder(etcd, `${prefix}acquire-lost/`)).toEqual([]);
    recordFault({
      scenario: 'Lost acquire reply',
      invariant:
        'the retried (idempotent) acquire finds its own key: no duplicate, no stuck waiter key',
      figure: `keys after retry: ${keys.length} (its own); none after release`,
    });
  });

  it('an acquire given up before etcd saw it never leaves a ghost key when etcd applies it late', async () => {
    const warm = await viaProxy.get(LockService).acquire('warm-again');
    const leaseHex = warm.etcdKey.slice(warm.etcdKey.lastIndexOf('/') + 1).split('_')[0]!;
    const leaseId = BigInt(`0x${leaseHex}`).toString();
    await warm.release();
    proxy.holdExisting();
    const error = await viaProxy
      .get(LockService)
      .acquire('late', { retries: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockAcquireError);
    // The outcome is unknown, so the session drops its lease: revoked over a fresh connection.
    const leaseIds = async () =>
      ((await etcd.leaseClient.leaseLeases()).leases ?? []).map((l) => l.ID);
    await expect.poll(leaseIds, { timeout: 5_000 }).not.toContain(leaseId);
    await proxy.releaseHeld(); // etcd now applies the held enqueue: its lease is gone, so it fails
    expect(await keysUnder(etcd, `${prefix}late/`)).toEqual([]);
    const next = await direct.get(LockService).acquire('late', { waitTimeout: 5_000 });
    await next.release();
    recordFault({
      scenario: 'Acquire given up, applied late',
      invariant:
        'an enqueue of unknown outcome drops its lease, so a late apply cannot leave a ghost waiter',
      figure:
        'lease revoked before the held request reached etcd; no key created; the next caller acquired at once',
    });
  });

  it('an acquire given up after etcd applied it costs only itself: the lease and its other locks stay', async () => {
    // Its own proxy, listed first, and etcd directly as a second "member": the enqueue's reply
    // is lost on the first, and the read that settles the doubt goes to the other, as it would
    // go to a healthy member.
    const lossy = new LossyProxy(etcdHosts());
    const app = await bootContext({
      prefix,
      callTimeout: 1_000,
      hosts: [await lossy.listen(), etcdHosts()],
    });
    try {
      const locks = app.get(LockService);
      const kept = await locks.acquire('kept-on-the-lease');
      lossy.dropReplies = true;
      const giving = await locks.acquire('applied', { retries: 0 }).catch((e: unknown) => e);
      expect(giving).toBeInstanceOf(LockAcquireError);
      // etcd applied it (the reply was lost): the read found the key and deleted it, so nothing
      // blocks the name, and the lease was not dropped: the other lock on it is still held.
      expect(await keysUnder(etcd, `${prefix}applied/`)).toEqual([]);
      expect(kept.held).toBe(true);
      expect((await kept.ifHeld().commit()).succeeded).toBe(true);
      const next = await direct.get(LockService).acquire('applied', { waitTimeout: 5_000 });
      await Promise.all([next.release(), kept.release()]);
    } finally {
      await app.close();
      await lossy.close();
    }
    recordFault({
      scenario: 'Acquire given up after etcd applied it',
      invariant:
        'an enqueue of unknown outcome that a read finds is deleted; the lease and its other locks stay',
      figure:
        'its reply lost, the enqueue timed out; a read through another member found the key and deleted it; the lock held on the same lease was kept; the next caller acquired at once',
    });
  });

  it('a batch of acquires whose reply was lost leaves no ghost entry, and costs only its own callers', async () => {
    const lossy = new LossyProxy(etcdHosts());
    const app = await bootContext({ prefix, callTimeout: 1_000, hosts: await lossy.listen() });
    const names = Array.from({ length: 17 }, (_, i) => `batch-lost/${i}`);
    try {
      const locks = app.get(LockService);
      const kept = await locks.acquire('batch-kept');
      // A slow link: the first acquire goes alone and takes a while, and the other 16 wait
      // for it and then go together, as one Txn, whose reply is lost.
      lossy.delayMs = 300;
      const tries = names.map((n) => locks.acquire(n, { retries: 0 }).catch((e: unknown) => e));
      const first = await tries[0];
      lossy.dropReplies = true;
      const applied = () => keysUnder(etcd, `${prefix}batch-lost/`).then((k) => k.length);
      await expect.poll(applied, { timeout: 5_000 }).toBe(names.length);
      lossy.dropReplies = false;
      lossy.delayMs = 0;
      lossy.cutAll(); // the batch's reply is gone for good; its callers learn it in transit
      const outcomes = await Promise.all(tries.slice(1));
      expect(outcomes.every((o) => o instanceof LockAcquireError)).toBe(true);
      // Each caller settled its own doubt: it read its key, found it, deleted it.
      expect(await keysUnder(etcd, `${prefix}batch-lost/`)).toEqual([(first as Lock).etcdKey]);
      expect(locks.stats().batches!.largest).toBe(names.length - 1);
      expect(kept.held).toBe(true);
      expect((await kept.ifHeld().commit()).succeeded).toBe(true);
      await (first as Lock).release();
      const next = await direct.get(LockService).acquire(names[5]!, { waitTimeout: 5_000 });
      await Promise.all([next.release(), kept.release()]);
    } finally {
      await app.close();
      await lossy.close();
    }
    recordFault({
      scenario: 'Batch of acquires, reply lost',
      invariant:
        'each entry of a batch whose reply was lost settles its own doubt: no ghost entry, no lease dropped',
      figure: `${names.length} enqueues applied (16 in one Txn), reply lost: 0 keys left, the lock held on the same lease kept`,
    });
  });

  it("a retried release whose first reply was lost never deletes the next holder's key", async () => {
    const first = await viaProxy.get(LockService).acquire('release-lost');
    const waiting = direct.get(LockService).acquire('release-lost', { waitTimeout: 30_000 });
    await expect
      .poll(() => keysUnder(etcd, `${prefix}release-lost/`).then((k) => k.length))
      .toBe(2);
    proxy.dropReplies = true;
    const releasing = first.release();
    const next = await waiting; // the delete was committed: the waiter now holds the lock
    proxy.dropReplies = false;
    proxy.cutAll();
    await releasing; // its retry deletes our own key, which is already gone
    expect(await keysUnder(etcd, `${prefix}release-lost/`)).toEqual([next.etcdKey]);
    expect((await next.ifHeld().commit()).succeeded).toBe(true);
    await next.release();
    recordFault({
      scenario: 'Lost release reply',
      invariant:
        "the retried release deletes only its own key's name and leaves the next holder's key alone",
      figure: "next holder's key intact after the retried release",
    });
  });

  it('a release delivered late never deletes a later lock of ours that could have reused its name', async () => {
    const locks = viaProxy.get(LockService);
    const first = await locks.acquire('reuse');
    proxy.holdExisting();
    const releasing = first.release();
    await expect.poll(() => proxy.heldBytes).toBeGreaterThan(0);
    proxy.dropHeldClients(); // the delete failed as far as the client knows: it is sent again
    await releasing;
    expect(await keysUnder(etcd, `${prefix}reuse/`)).toEqual([]);
    const second = await locks.acquire('reuse');
    expect(second.etcdKey).not.toBe(first.etcdKey); // the name of a delete in doubt is retired
    await proxy.releaseHeld(); // etcd now applies the first delete, late
    expect(await keysUnder(etcd, `${prefix}reuse/`)).toEqual([second.etcdKey]);
    expect((await second.ifHeld().commit()).succeeded).toBe(true);
    expect(second.held).toBe(true);
    await second.release();
    recordFault({
      scenario: 'Release sent twice, the first applied late',
      invariant:
        'a key name whose delete was ever in doubt is not reused, so the late delete finds nothing',
      figure: "the later lock's key (a new name) intact after the late delete",
    });
  });
});
