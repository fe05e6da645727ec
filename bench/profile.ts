import { startEtcd } from '../tools/etcd/etcd-process.js';
import { createContender, type ContenderKind } from './contenders/index.js';
import { independentKeys } from './workloads/independent-keys.workload.js';

/** `node --cpu-prof build/bench/profile.js KIND CALLERS`: one contender under independent keys. */
async function main(): Promise<void> {
  const [kind = 'ours', callers = '64', ms = '8000'] = process.argv.slice(2);
  const etcd = process.env.ETCD_HOSTS ? undefined : await startEtcd();
  const hosts = process.env.ETCD_HOSTS ?? etcd!.endpoint;
  const contender = await createContender(kind as ContenderKind, hosts);
  const before = await grpcCounts(hosts);
  const usage = process.cpuUsage();
  const [point] = await independentKeys([contender], Number(callers), Number(ms), 1);
  const cpu = process.cpuUsage(usage);
  const cycles = (point!.cyclesPerSecond * Number(ms)) / 1000;
  console.log(
    `${point!.name} x ${callers}: ${point!.cyclesPerSecond.toFixed(0)} cycles/s, ` +
      `${((cpu.user + cpu.system) / 1000 / cycles).toFixed(3)} ms CPU per cycle`,
  );
  const after = await grpcCounts(hosts);
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) console.log(`${(d / cycles).toFixed(2)} per cycle  ${k}`);
  }
  await contender.close();
  await etcd?.stop();
}

void main();

async function grpcCounts(hosts: string): Promise<Map<string, number>> {
  const body = await (await fetch(`http://${hosts}/metrics`)).text();
  const m = new Map<string, number>();
  for (const line of body.split('\n')) {
    const r =
      /^(grpc_server_(?:started|msg_sent|msg_received)_total\{grpc_method="\w+")[^}]*\} (\d+)/.exec(
        line,
      );
    if (r) m.set(r[1]!, Number(r[2]));
  }
  return m;
}
