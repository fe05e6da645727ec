import { Redis } from 'ioredis';
import Redlock, { ExecutionError, type Lock } from 'redlock';
import type { Contender } from './contender.js';
import { retryUntilFree } from './retry-until-free.js';

/** What a redlock user sets: retry every 10 ms plus up to 10 ms of jitter, as etcd3's poll. */
const RETRY_DELAY_MS = 10;
const RETRY_JITTER_MS = 10;

/**
 * Redis with redlock 5 on one redis-server, as `@anchan828/nest-redlock` uses it: SET NX PX
 * with a random value, released by a compare-and-delete script. No queue: a waiter retries.
 * The retry loop is ours rather than redlock's so that a waiter stops when the measuring
 * window closes; each attempt is one `redlock.acquire` without retries.
 */
export function redlockContender(endpoint: string, ttlMs = 10_000): Contender {
  const [host, port] = endpoint.split(':');
  const redis = new Redis({ host, port: Number(port), lazyConnect: false });
  const redlock = new Redlock([redis], { retryCount: 0 });
  return {
    name: 'Redis + redlock (10 ms retry)',
    run: (key, section, signal) =>
      retryUntilFree<Lock>(
        {
          take: () => redlock.acquire([`bench-redlock/${key}`], ttlMs),
          busy: (error) => error instanceof ExecutionError,
          release: (lock) => lock.release(),
          delay: () => RETRY_DELAY_MS + Math.random() * RETRY_JITTER_MS,
        },
        section,
        signal,
      ),
    async close() {
      redis.disconnect();
    },
  };
}
