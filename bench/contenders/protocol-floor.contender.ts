import { Etcd3, Range, SortOrder, SortTarget, type IRequestOp } from 'etcd3';
import type { Contender } from './contender.js';

/**
 * The lock's own two etcd requests with no library around them: a transaction that reads the
 * queue's ends and puts our key on a lease if absent, then a plain delete. What the protocol
 * costs on this client stack; the gap to ours is the library, the gap to raw is etcd's Txn.
 */
export function protocolFloor(hosts: string): Promise<Contender> {
  return floor(hosts, 'protocol floor (our 2 requests, no library)', 'bench-protocol/', false);
}

/**
 * The protocol floor plus the two things the library runs for its guarantees, still with no
 * library code: a deadline on every request (a silent member is left within `callTimeout`)
 * and a watch of every delete under the prefix, with previous values (a holder learns that its
 * key went; a waiter that its queue ahead left). The gap from it to ours is the library's code.
 */
export function guardedFloor(hosts: string): Promise<Contender> {
  return floor(hosts, 'guarded floor (+ deadlines and delete watch)', 'bench-guarded/', true);
}

async function floor(
  hosts: string,
  name: string,
  prefix: string,
  guarded: boolean,
): Promise<Contender> {
  const client = new Etcd3({
    hosts,
    defaultCallOptions: guarded
      ? (context) => (context.isStream ? {} : { deadline: Date.now() + 5_000 })
      : undefined,
  });
  const watcher = guarded
    ? await client.watch().prefix(prefix).only('delete').withPreviousKV().create()
    : undefined;
  // What a holder does with each event: the key, and the incarnation that went.
  watcher?.on('delete', (kv, previous) => void [kv.key.toString(), previous?.create_revision]);
  // Long enough for the whole bench, so no renewal runs alongside.
  const { ID } = await client.leaseClient.leaseGrant({ TTL: 3600, ID: 0 });
  const end = (range: Range, order: SortOrder): IRequestOp => ({
    request_range: {
      key: range.start,
      range_end: range.end,
      sort_order: order,
      sort_target: SortTarget.Create,
      limit: 1,
    },
  });
  return {
    name,
    async run(lockName, section) {
      const queue = Range.prefix(`${prefix}${lockName}/`);
      const key = Buffer.from(`${prefix}${lockName}/${BigInt(ID).toString(16)}_0`);
      await client.kv.txn({
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: '0' }],
        success: [
          end(queue, SortOrder.Descend),
          end(queue, SortOrder.Ascend),
          { request_put: { key, value: Buffer.from('host/1@1'), lease: ID } },
        ],
        failure: [{ request_range: { key } }],
      });
      await section();
      await client.kv.deleteRange({ key });
    },
    async close() {
      await watcher?.cancel();
      await client.leaseClient.leaseRevoke({ ID });
      client.close();
    },
  };
}
