import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import Redlock, { ExecutionError } from 'redlock';
import type { Contender } from './contender.js';

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
    async run(key, section, signal) {
      for (;;) {
        signal?.throwIfAborted();
        let lock;
        try {
          lock = await redlock.acquire([`bench-redlock/${key}`], ttlMs);
        } catch (error) {
          if (!(error instanceof ExecutionError)) throw error;
          await sleep(RETRY_DELAY_MS + Math.random() * RETRY_JITTER_MS, undefined, { signal });
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
      redis.disconnect();
    },
  };
}
