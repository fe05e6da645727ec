import { Etcd3, EtcdLockFailedError } from 'etcd3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Contender } from './contender.js';

/** etcd3's own `Lock` (grant + put-if-absent + revoke) retried every 10 ms: the usual workaround. */
export function etcd3Polling(hosts: string, ttl = 10): Contender {
  const client = new Etcd3({ hosts });
  return {
    name: 'etcd3 Lock + 10 ms polling',
    async run(key, section, signal) {
      for (;;) {
        signal?.throwIfAborted();
        const lock = client.lock(`bench-etcd3/${key}`).ttl(ttl);
        try {
          await lock.acquire();
        } catch (error) {
          if (!(error instanceof EtcdLockFailedError)) throw error;
          await sleep(10, undefined, { signal });
          continue;
        }
        try {
          await section();
        } finally {
          await lock.release();
        }
        return;
      }
    },
    async close() {
      client.close();
    },
  };
}
