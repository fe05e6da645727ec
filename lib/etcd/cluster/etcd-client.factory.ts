import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  noop,
  retry,
} from 'cockatiel';
import { Etcd3, type IOptions, isRecoverableError } from 'etcd3';
import type { ResolvedConnection } from '../../interfaces/etcd-lock-module-options.interface.js';
import { EtcdMembers } from './etcd-members.js';
import { requireLeaderOnStreams } from './require-leader.js';

/**
 * gRPC pings on the exported client's connections, so one whose member froze is closed within
 * about 6 s even with no call in flight (users' own watches live on it). Not more often: etcd's
 * default `--grpc-keepalive-min-time` is 5 s, and a client that pings faster gets GOAWAY
 * `too_many_pings`, which drops every stream. The lock's own member clients go without: with
 * it, grpc-js cost 10% of contended handoffs here, and the members' heartbeat finds a silent
 * member sooner.
 */
const CHANNEL_OPTIONS = {
  'grpc.keepalive_time_ms': 5_000,
  'grpc.keepalive_timeout_ms': 1_000,
};

function clientOptions({
  auth,
  credentials,
  callTimeout,
}: ResolvedConnection): Omit<IOptions, 'hosts'> {
  return {
    auth,
    credentials,
    // A function, so every attempt gets a fresh deadline: an absolute deadline reused by
    // etcd3's retries fails each retry at once, even on a healthy member. etcd3 does not apply
    // `dialTimeout` (#137). Streams get none: a watch or keepalive stream lives long.
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + callTimeout },
  };
}

/** One single-member client per host: the lock picks the member itself (`EtcdMembers`). */
export function createEtcdMembers(connection: ResolvedConnection): EtcdMembers {
  return new EtcdMembers(
    connection.hosts.map((host) => ({
      host,
      client: requireLeaderOnStreams(
        new Etcd3({
          ...clientOptions(connection),
          hosts: [host],
          faultHandling: { global: noop, host: () => noop },
        }),
      ),
    })),
  );
}

/**
 * The pooled client the module exports as `ETCD_LOCK_CLIENT`, for users' own calls such as
 * fenced writes. etcd3's pool moves on to the next host when one fails; two more attempts with
 * backoff let a call outlast a leader election, during which every member times out.
 */
export function createEtcdClient(connection: ResolvedConnection): Etcd3 {
  const { hosts } = connection;
  const client = new Etcd3({
    ...clientOptions(connection),
    hosts,
    grpcOptions: CHANNEL_OPTIONS,
    faultHandling: {
      global:
        hosts.length > 1
          ? retry(handleWhen(isRecoverableError), {
              maxAttempts: hosts.length + 1,
              backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }),
            })
          : noop,
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 1_000,
          breaker: new ConsecutiveBreaker(3),
        }),
    },
  });
  // Users' watches on it, too, move off a member that lost its leader (etcd3 then reconnects).
  return requireLeaderOnStreams(client);
}
