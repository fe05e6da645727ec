import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { seedForeignLocks } from '../../tools/etcd/foreign-locks.js';
import { bootReplica } from '../replica.js';

export interface ListingPoint {
  names: number;
  /** One `list()` of every name, from a process that holds a lock of its own. */
  listMs: number;
  /** The longest the lister's event loop was held up during it. */
  stallMs: number;
  /** Whether the lister's own lock (ttl 2 s) was still held afterwards. */
  kept: boolean;
}

/** `names` locks held by another process (written straight into etcd), then one listing. */
export async function listingScale(hosts: string, names: number): Promise<ListingPoint> {
  const prefix = `bench-list-${names}-${Date.now()}/`;
  const client = new Etcd3({ hosts });
  const foreign = await seedForeignLocks(client, prefix, 'job', names);
  const lister = await bootReplica(hosts, prefix, { ttl: 2 });
  try {
    const mine = await lister.locks.acquire('mine');
    await lister.locks.list(); // warm up the code paths
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const listed = await lister.locks.list();
    const listMs = performance.now() - started;
    loop.disable();
    if (listed.length !== names + 1) throw new Error(`listed ${listed.length} of ${names + 1}`);
    const kept = mine.held && (await mine.ifHeld().commit()).succeeded;
    await mine.release();
    return { names, listMs, stallMs: loop.max / 1e6, kept };
  } finally {
    await lister.close();
    await foreign.release();
    client.close();
  }
}
