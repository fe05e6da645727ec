import { type Contender, noSection } from '../contenders/contender.js';

/** etcd's KV requests, from its own `/metrics`: what each acquire+release costs in messages. */
const KV_REQUEST =
  /^grpc_server_started_total\{grpc_method="(\w+)",grpc_service="etcdserverpb\.KV",grpc_type="unary"\} (\d+)/;

async function kvRequests(hosts: string): Promise<Map<string, number>> {
  const body = await (await fetch(`http://${hosts.split(',')[0]}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of body.split('\n')) {
    const match = KV_REQUEST.exec(line);
    if (match) counts.set(match[1]!, Number(match[2]));
  }
  return counts;
}

export interface RoundTrips {
  name: string;
  /** KV requests per acquire+release, by method (Txn, Range, Put, DeleteRange). */
  perCycle: Record<string, number>;
  total: number;
}

/**
 * Counts the KV requests etcd served during `cycles` sequential acquire+release of a free
 * lock, per cycle. Nothing else talks to this etcd meanwhile; lease renewals are not KV calls.
 */
export async function roundTrips(
  hosts: string,
  contenders: readonly Contender[],
  cycles = 50,
): Promise<RoundTrips[]> {
  const rows: RoundTrips[] = [];
  for (const contender of contenders) {
    await contender.run('round-trips-warmup', noSection);
    const before = await kvRequests(hosts);
    for (let i = 0; i < cycles; i++) await contender.run('round-trips', noSection);
    const after = await kvRequests(hosts);
    const perCycle: Record<string, number> = {};
    for (const [method, count] of after) {
      const spent = (count - (before.get(method) ?? 0)) / cycles;
      if (spent > 0) perCycle[method] = Math.round(spent * 100) / 100;
    }
    const total = Object.values(perCycle).reduce((sum, n) => sum + n, 0);
    rows.push({ name: contender.name, perCycle, total });
  }
  return rows;
}
