import { Etcd3 } from 'etcd3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Contender } from './contender.js';

/**
 * The tutorial's recipe (grant, put, fixed retry delay, delete + revoke), fixed only as far as
 * needed to be a lock: the put is put-if-absent.
 */
export function seedRecipe(hosts: string, ttl = 10, retryDelayMs = 1000): Contender {
  const client = new Etcd3({ hosts });
  return {
    name: 'seed recipe (grant+put, 1 s retry)',
    async run(key, section, signal) {
      const name = `bench-seed/${key}`;
      for (;;) {
        signal?.throwIfAborted();
        const { ID } = await client.leaseClient.leaseGrant({ TTL: ttl });
        const res = await client
          .if(name, 'Create', '==', 0)
          .then(client.put(name).value('x').lease(ID))
          .commit();
        if (res.succeeded) {
          await section();
          await client.delete().key(name);
          await client.leaseClient.leaseRevoke({ ID });
          return;
        }
        await client.leaseClient.leaseRevoke({ ID });
        await sleep(retryDelayMs, undefined, { signal });
      }
    },
    async close() {
      client.close();
    },
  };
}
