import { ConsecutiveBreaker, circuitBreaker, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';
import type { ResolvedConnection } from '../interfaces/etcd-lock-module-options.interface.js';

/**
 * Builds the etcd client the module owns. Retries of single calls are left to the lock's own
 * `retries` policy; etcd3's pool only moves on to the next host, so a dead member is skipped.
 */
export function createEtcdClient(options: ResolvedConnection): Etcd3 {
  const { hosts, callTimeout } = options;
  return new Etcd3({
    hosts,
    auth: options.auth,
    credentials: options.credentials,
    // etcd3 does not apply `dialTimeout` (#137); deadlines per unary call do the job.
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + callTimeout },
    faultHandling: {
      global:
        hosts.length > 1
          ? retry(handleWhen(isRecoverableError), { maxAttempts: hosts.length - 1 })
          : noop,
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 1_000,
          breaker: new ConsecutiveBreaker(3),
        }),
    },
  });
}
