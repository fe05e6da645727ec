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
  /**
   * The member in the namespace: `cut()` isolates it from its peers, and from clients too
   * unless it has a peer link of its own.
   */
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

/** One veth pair into `ns`: a /30 of our own, reachable from nowhere else. */
function vethInto(ns: string, name: string, net: string) {
  const [outer, inner] = [`${name}o`, `${name}i`];
  const [hostIp, nsIp] = [`${net}.1`, `${net}.2`];
  ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
  ip('link', 'set', inner, 'netns', ns);
  ip('addr', 'add', `${hostIp}/30`, 'dev', outer);
  ip('link', 'set', outer, 'up');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', inner);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up');
  const link = (state: 'up' | 'down') => ip('netns', 'exec', ns, 'ip', 'link', 'set', inner, state);
  return { outer, hostIp, nsIp, link };
}

/**
 * Members m0 and m1 listen on the host end of a veth pair, m2 in a namespace on the other end.
 * With `peerLink`, m2's peer traffic has a second veth pair of its own: `cut()` then takes only
 * that one down, so m2 is cut off from its peers while clients still reach it (an asymmetric
 * partition); otherwise `cut()` takes its one link down.
 */
export async function startPartitionableCluster(
  extraArgs: string[] = [],
  { peerLink = false }: { peerLink?: boolean } = {},
): Promise<PartitionableCluster> {
  const id = randomInt(1, 250);
  const ns = `nel-${process.pid}-${id}`;
  ip('netns', 'add', ns);
  const links: string[] = [];
  const teardown = () => {
    for (const args of [...links.map((l) => ['link', 'del', l]), ['netns', 'del', ns]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  const client = vethInto(ns, `nel${id}`, `10.213.${id}`);
  links.push(client.outer);
  const peer = peerLink ? vethInto(ns, `nep${id}`, `10.214.${id}`) : client;
  if (peerLink) links.push(peer.outer);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');

  const root = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-netns-'));
  const hosts = [client.hostIp, client.hostIp, client.nsIp];
  const peerHosts = [peer.hostIp, peer.hostIp, peer.nsIp];
  const ports = [];
  for (let i = 0; i < 3; i++) {
    ports.push({ client: await freePort(), peer: await freePort(), metrics: await freePort() });
  }
  const initialCluster = ports.map((p, i) => `m${i}=http://${peerHosts[i]}:${p.peer}`).join(',');
  const members = ports.map(
    (p, i) =>
      new EtcdMember({
        name: `m${i}`,
        host: hosts[i],
        peerHost: peerHosts[i],
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
  return {
    ...cluster,
    isolated: members[2]!,
    cut: () => peer.link('down'),
    heal: () => peer.link('up'),
  };
}

/** A network namespace joined to this one by a veth pair, for a client process of its own. */
export interface ClientNamespace {
  readonly ns: string;
  /** This side's address on the link: a server listening here is reached from both sides. */
  readonly hostIp: string;
  /** Takes the link down: the namespace reaches nothing, and nothing is refused. */
  cut(): void;
  heal(): void;
  remove(): void;
}

export function startClientNamespace(): ClientNamespace {
  const id = randomInt(1, 250);
  const ns = `nec-${process.pid}-${id}`;
  ip('netns', 'add', ns);
  const link = vethInto(ns, `nec${id}`, `10.215.${id}`);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  const remove = () => {
    for (const args of [
      ['link', 'del', link.outer],
      ['netns', 'del', ns],
    ]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  return {
    ns,
    hostIp: link.hostIp,
    cut: () => link.link('down'),
    heal: () => link.link('up'),
    remove,
  };
}
