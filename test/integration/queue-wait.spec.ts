import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { bootContext, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';

/**
 * Counts the reads and transactions the module sends through `client`; releases (a delete, or a
 * transaction of deletes only, when several go together) are counted apart.
 */
function countRequests(client: Etcd3): { txn: number; range: number; deletes: number } {
  const counts = { txn: 0, range: 0, deletes: 0 };
  const kv = client.kv;
  const txn = kv.txn.bind(kv);
  const range = kv.range.bind(kv);
  kv.txn = (...args: Parameters<typeof txn>) => {
    const ops = args[0].success ?? [];
    if (!args[0].compare?.length && ops.every((op) => op.request_delete_range)) counts.deletes++;
    else counts.txn++;
    return txn(...args);
  };
  kv.range = (...args: Parameters<typeof range>) => (counts.range++, range(...args));
  const deleteRange = kv.deleteRange.bind(kv);
  kv.deleteRange = (...args: Parameters<typeof deleteRange>) => (
    counts.deletes++,
    deleteRange(...args)
  );
  return counts;
}

describe('a waiter that read its whole queue ahead', () => {
  const prefix = uniquePrefix('queue-wait');
  const client = inspector();
  const etcd = inspector();
  const counts = countRequests(client);
  let locks: LockService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = await bootContext({ prefix, client });
    locks = app.get(LockService);
    close = () => app.close();
  });
  afterAll(async () => {
    await close();
    client.close();
    etcd.close();
  });

  /** Queues `count` waiters on `name` one after another, each once the last one's key is in. */
  async function queueWaiters(name: string, count: number, run: (i: number) => void) {
    const waiters: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      waiters.push(locks.withLock(name, () => run(i)));
      const queued = () => keysUnder(etcd, `${prefix}${name}/`).then((k) => k.length);
      await expect.poll(queued).toBe(i + 2);
    }
    return waiters;
  }

  it('takes its turn in order with no read of the queue after its enqueue', async () => {
    const holder = await locks.acquire('line');
    const order: number[] = [];
    const waiters = await queueWaiters('line', 4, (i) => order.push(i));
    const before = { ...counts };
    await holder.release();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3]);
    // Each handoff is the holder's delete and the watch event it causes: nothing else.
    expect({ ...counts, deletes: before.deletes }).toEqual(before);
    expect(counts.deletes - before.deletes).toBeGreaterThanOrEqual(1);
    expect(counts.deletes - before.deletes).toBeLessThanOrEqual(5);
  });

  it('never holds a lock whose key an operator deleted while it waited', async () => {
    const holder = await locks.acquire('deleted');
    const keysSeen: string[][] = [];
    const waiting = locks.withLock('deleted', async (lock) => {
      keysSeen.push(await keysUnder(etcd, lock.etcdKey));
    });
    await expect.poll(() => keysUnder(etcd, `${prefix}deleted/`)).toHaveLength(2);
    const [, waiterKey] = await etcd
      .getAll()
      .prefix(`${prefix}deleted/`)
      .sort('Create', 'Ascend')
      .keys();
    await etcd.delete().key(waiterKey!);
    await holder.release();
    await waiting;
    // It queued again under a new key and held the lock under that one.
    expect(keysSeen).toHaveLength(1);
    expect(keysSeen[0]).toHaveLength(1);
    expect(keysSeen[0]![0]).not.toBe(waiterKey);
  });
});
