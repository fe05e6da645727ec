import { Etcd3, Range, SortOrder, SortTarget, type IRequestOp } from 'etcd3';
import type { Contender } from './contender.js';

/**
 * The lock's own two etcd requests with no library around them: a transaction that reads the
 * queue's ends and puts our key on a lease if absent, then a plain delete. What the protocol
 * costs on this client stack; the gap to ours is the library, the gap to raw is etcd's Txn.
 */
export async function protocolFloor(hosts: string): Promise<Contender> {
  const client = new Etcd3({ hosts });
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
    name: 'protocol floor (our 2 requests, no library)',
    async run(name, section) {
      const queue = Range.prefix(`bench-protocol/${name}/`);
      const key = Buffer.from(`bench-protocol/${name}/${BigInt(ID).toString(16)}_0`);
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
      await client.leaseClient.leaseRevoke({ ID });
      client.close();
    },
  };
}
