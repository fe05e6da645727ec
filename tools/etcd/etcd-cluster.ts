import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { EtcdMember } from './etcd-member.js';
import { freePort } from './free-port.js';

export interface EtcdCluster {
  readonly members: EtcdMember[];
  /** All client endpoints, for `hosts`. */
  readonly hosts: string[];
  /** The member that currently leads, as the members themselves report it. */
  leader(): Promise<EtcdMember>;
  stop(): Promise<void>;
}

/** Starts an `size`-member etcd cluster on loopback, each member a separate process. */
export async function startEtcdCluster(size = 3): Promise<EtcdCluster> {
  const root = mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-cluster-'));
  const ports = [];
  for (let i = 0; i < size; i++) {
    ports.push({ client: await freePort(), peer: await freePort(), metrics: await freePort() });
  }
  const initialCluster = ports.map((p, i) => `m${i}=http://127.0.0.1:${p.peer}`).join(',');
  const members = ports.map(
    (p, i) =>
      new EtcdMember({
        name: `m${i}`,
        clientPort: p.client,
        peerPort: p.peer,
        metricsPort: p.metrics,
        dataDir: join(root, `m${i}`),
        initialCluster,
      }),
  );
  return launchCluster(members, root);
}

/** Starts `members` and waits until all are healthy; `stop()` also removes `root`, then `cleanup`. */
export async function launchCluster(
  members: EtcdMember[],
  root: string,
  cleanup: () => void = () => undefined,
): Promise<EtcdCluster> {
  const stop = async () => {
    await Promise.all(members.map((m) => m.stop()));
    members.forEach((m) => m.dispose());
    rmSync(root, { recursive: true, force: true });
    cleanup();
  };
  try {
    members.forEach((m) => m.spawn());
    await Promise.all(members.map((m) => m.waitHealthy(30_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    members,
    hosts: members.map((m) => m.endpoint),
    leader: () => findLeader(members),
    stop,
  };
}

/** The member that currently leads, as the running members themselves report it. */
export async function findLeader(members: readonly EtcdMember[]): Promise<EtcdMember> {
  for (const member of members.filter((m) => m.running)) {
    const client = new Etcd3({ hosts: member.endpoint });
    try {
      const status = await client.maintenance.status();
      if (status.leader === status.header.member_id) return member;
    } catch {
      // an unreachable member cannot be the leader we are looking for
    } finally {
      client.close();
    }
  }
  throw new Error('no member reports itself as leader');
}

/**
 * The leader once the cluster has settled: every running member answers, names the same leader
 * and is at the same term. A member back from a partition (without `--pre-vote`) comes back at a
 * higher term and deposes the leader a moment later; the first member that says "leader" may not
 * be one for long.
 */
export async function settledLeader(members: readonly EtcdMember[]): Promise<EtcdMember> {
  const running = members.filter((m) => m.running);
  const statuses = await Promise.all(
    running.map(async (member) => {
      const client = new Etcd3({ hosts: member.endpoint });
      try {
        return await client.maintenance.status();
      } finally {
        client.close();
      }
    }),
  );
  const [first] = statuses;
  const agreed = statuses.every(
    (s) => s.leader === first?.leader && s.raftTerm === first.raftTerm && s.leader !== '0',
  );
  const leader = running[statuses.findIndex((s) => s.leader === s.header.member_id)];
  if (!agreed || !leader) throw new Error('the members do not agree on a leader and a term yet');
  return leader;
}

/** Hands leadership to `target` unless it leads already; resolves once it does. */
export async function moveLeader(
  members: readonly EtcdMember[],
  target: EtcdMember,
): Promise<void> {
  const leader = await findLeader(members);
  if (leader === target) return;
  const client = new Etcd3({ hosts: leader.endpoint });
  try {
    const { members: list } = await client.cluster.memberList({});
    const id = list.find((m) => m.name === target.config.name)!.ID;
    await client.maintenance.moveLeader({ targetID: id });
  } finally {
    client.close();
  }
}
