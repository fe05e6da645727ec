import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EtcdCluster, launchCluster } from './etcd-cluster.js';
import { EtcdMember } from './etcd-member.js';
import { freePort } from './free-port.js';

/** A 3-member cluster whose third member runs in its own network namespace, behind a veth. */
export interface PartitionableCluster extends EtcdCluster {
  /** The member in the namespace: `cut()` isolates it from the client and its peers. */
  readonly isolated: EtcdMember;
  /** Takes the link down: packets are dropped, nothing is refused (a silent partition). */
  cut(): void;
  heal(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** True where network namespaces can be made (root, iproute2). */
export function canPartition(): boolean {
  try {
    const name = `nel-probe-${process.pid}`;
    ip('netns', 'add', name);
    ip('netns', 'del', name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Members m0 and m1 listen on the host end of a veth pair, m2 in a namespace on the other end;
 * the addresses are a /30 of our own on that link, reachable from nowhere else.
 */
export async function startPartitionableCluster(
  extraArgs: string[] = [],
): Promise<PartitionableCluster> {
  const id = randomInt(1, 250);
  const ns = `nel-${process.pid}-${id}`;
  const [outer, inner] = [`nelo${id}`, `neli${id}`];
  const [hostIp, nsIp] = [`10.213.${id}.1`, `10.213.${id}.2`];
  ip('netns', 'add', ns);
  const teardown = () => {
    for (const args of [
      ['link', 'del', outer],
      ['netns', 'del', ns],
    ]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
  ip('link', 'set', inner, 'netns', ns);
  ip('addr', 'add', `${hostIp}/30`, 'dev', outer);
  ip('link', 'set', outer, 'up');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', inner);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up');
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');

  const root = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-netns-'));
  const hosts = [hostIp, hostIp, nsIp];
  const ports = [];
  for (let i = 0; i < 3; i++) {
    ports.push({ client: await freePort(), peer: await freePort(), metrics: await freePort() });
  }
  const initialCluster = ports.map((p, i) => `m${i}=http://${hosts[i]}:${p.peer}`).join(',');
  const members = ports.map(
    (p, i) =>
      new EtcdMember({
        name: `m${i}`,
        host: hosts[i],
        netns: i === 2 ? ns : undefined,
        clientPort: p.client,
        peerPort: p.peer,
        metricsPort: p.metrics,
        dataDir: join(root, `m${i}`),
        initialCluster,
        extraArgs,
      }),
  );
  const cluster = await launchCluster(members, root, teardown);
  const link = (state: 'up' | 'down') => ip('netns', 'exec', ns, 'ip', 'link', 'set', inner, state);
  return { ...cluster, isolated: members[2]!, cut: () => link('down'), heal: () => link('up') };
}
