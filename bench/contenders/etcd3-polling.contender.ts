import { Etcd3, EtcdLockFailedError, type Lock } from 'etcd3';
import type { Contender } from './contender.js';
import { retryUntilFree } from './retry-until-free.js';

/** etcd3's own `Lock` (grant + put-if-absent + revoke) retried every 10 ms: the usual workaround. */
export function etcd3Polling(hosts: string, ttl = 10): Contender {
  const client = new Etcd3({ hosts });
  return {
    name: 'etcd3 Lock + 10 ms polling',
    run: (key, section, signal) =>
      retryUntilFree<Lock>(
        {
          take: async () => {
            const lock = client.lock(`bench-etcd3/${key}`).ttl(ttl);
            await lock.acquire();
            return lock;
          },
          busy: (error) => error instanceof EtcdLockFailedError,
          release: (lock) => lock.release(),
          delay: () => 10,
        },
        section,
        signal,
      ),
    async close() {
      client.close();
    },
  };
}
