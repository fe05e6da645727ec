import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Etcd3 } from 'etcd3';
import { isTransientEtcdError } from './transient-retry.js';

/** One etcd endpoint and a client that talks to it alone. */
export interface EtcdMember {
  readonly host: string;
  readonly client: Etcd3;
}

interface MemberState extends EtcdMember {
  /** Until then (performance clock) the member is skipped while another one is usable. */
  badUntil: number;
  /** Aborts when the member is found silent, so work that waits on it moves elsewhere. */
  silenced: AbortController;
}

/** How long a member that failed to answer is skipped: long enough not to stall call after call. */
const BAD_FOR_MS = 5_000;

/**
 * The cluster as the lock sees it: one client per member, and the member to use now. etcd3's
 * own pool picks a random member per call and cannot tell a silent member from a slow one, so a
 * frozen follower stalls a third of all calls and any stream that lands on it. Here every call
 * goes to the last member that answered; one that times out or refuses is skipped for a few
 * seconds, and whatever waits on it (a watch, a keepalive) is told to move.
 */
export class EtcdMembers {
  private readonly members: MemberState[];
  private preferred = 0;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(members: readonly EtcdMember[]) {
    if (members.length === 0) throw new Error('no etcd members');
    this.members = members.map((m) => ({ ...m, badUntil: 0, silenced: silencer() }));
  }

  get size(): number {
    return this.members.length;
  }

  /** The member to talk to now: the preferred one unless it is being skipped. */
  current(): EtcdMember {
    const now = performance.now();
    for (let i = 0; i < this.members.length; i++) {
      const index = (this.preferred + i) % this.members.length;
      if (this.members[index]!.badUntil <= now) {
        this.preferred = index;
        return this.members[index]!;
      }
    }
    // Every member failed recently: try the one that has been skipped the longest.
    const oldest = this.members.reduce((a, b) => (a.badUntil <= b.badUntil ? a : b));
    this.preferred = this.members.indexOf(oldest);
    return oldest;
  }

  /** Aborts once `member` has been found silent. */
  silenced(member: EtcdMember): AbortSignal {
    return this.state(member).silenced.signal;
  }

  /** Runs one request on the current member; a transient failure moves on from it. */
  run<T>(request: (client: Etcd3) => Promise<T>): Promise<T> {
    return this.on(this.current(), request);
  }

  /** Runs one request on `member`; a transient failure marks it silent. */
  async on<T>(member: EtcdMember, request: (client: Etcd3) => Promise<T>): Promise<T> {
    try {
      return await request(member.client);
    } catch (error) {
      this.failed(member, error);
      throw error;
    }
  }

  /** A member did not answer in time or refused: skip it, and move whatever waits on it. */
  failed(member: EtcdMember, error: unknown): void {
    if (!isTransientEtcdError(error) || this.members.length === 1) return;
    const state = this.state(member);
    state.badUntil = performance.now() + BAD_FOR_MS;
    const silenced = state.silenced;
    state.silenced = silencer();
    silenced.abort(error);
    if (this.members[this.preferred] === state) {
      this.preferred = (this.preferred + 1) % this.members.length;
    }
  }

  /**
   * Asks the current member for its status every `intervalMs`. A watch stream gives no sign
   * when its member freezes, so without this a waiter could wait for an event that never comes.
   */
  startHeartbeat(intervalMs: number): void {
    if (this.members.length === 1 || this.heartbeat) return;
    let inFlight = false;
    this.heartbeat = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      void this.run((client) => client.maintenance.status())
        .catch(() => undefined)
        .finally(() => (inFlight = false));
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Stops the heartbeat; closes the clients too if they are ours. */
  close(closeClients: boolean): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (closeClients) for (const member of this.members) member.client.close();
  }

  private state(member: EtcdMember): MemberState {
    return this.members.find((m) => m.client === member.client)!;
  }
}

function silencer(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener per waiter on the member
  return controller;
}
