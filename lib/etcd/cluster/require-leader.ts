import type { Etcd3 } from 'etcd3';

/** etcd's "require leader" metadata (Go: `clientv3.WithRequireLeader`, the `hasleader` key). */
const REQUIRE_LEADER: readonly [string, string] = ['hasleader', 'true'];
/** Services whose streams must end when their member loses its leader (keepalives, watches). */
const STREAMED = new Set(['Watch', 'Lease']);

interface Metadata {
  clone(): Metadata;
  set(key: string, value: string): void;
}
type Connection = { metadata: Metadata } & Record<string, unknown>;
interface Pool {
  withConnection(service: string, fn: (c: Connection) => unknown, ...rest: unknown[]): unknown;
}

/**
 * Sends `hasleader` on `client`'s watch and lease calls. Without it, a member cut off from its
 * peers but reachable by clients keeps a watch open and silent for the whole cut: waiters on it
 * are served only after the heal, and `etcdctl lock` stalls the same way. With it, the member
 * cancels the stream ("etcdserver: no leader") once it has no leader, and refuses a keepalive
 * at once, so the lock moves to another member. etcd3 has no option for it: its connection pool
 * is patched here, and left alone if a later etcd3 changes it (the members' status check still
 * finds such a member, one heartbeat later).
 */
export function requireLeaderOnStreams(client: Etcd3): Etcd3 {
  const pool = (client as unknown as { pool?: Pool }).pool;
  const withConnection = pool?.withConnection;
  if (!pool || typeof withConnection !== 'function') return client;
  pool.withConnection = (service, fn, ...rest) => {
    if (!STREAMED.has(service)) return withConnection.call(pool, service, fn, ...rest);
    const withLeader = (c: Connection) => {
      const metadata = c.metadata.clone();
      metadata.set(...REQUIRE_LEADER);
      return fn({ ...c, metadata });
    };
    return withConnection.call(pool, service, withLeader, ...rest);
  };
  return client;
}
