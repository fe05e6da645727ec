import { performance } from 'node:perf_hooks';
import { type Etcd3, GRPCDeadlineExceededError } from 'etcd3';
import {
  isLeaderless,
  isTransientEtcdError,
  neverSent,
  recordFailedHost,
} from './etcd-failure.diagnosis.js';
import { MemberLatency } from './member-latency.js';
import { checkMemberStatus } from './member-status.check.js';
import {
  answeredByServer,
  BAD_FOR_MS,
  type EtcdMember,
  memberState,
  type MemberState,
  silencer,
} from './member-state.js';

export type { EtcdMember };

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
  private readonly latency = new MemberLatency();

  constructor(members: readonly EtcdMember[]) {
    if (members.length === 0) throw new Error('no etcd members');
    this.members = members.map(memberState);
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

  /**
   * Runs one request on the current member; a transient failure moves on from it. A request
   * that never left the client goes to the next member at once, and costs the caller no retry:
   * with a member down, every retry would otherwise be spent on its refusals while it is still
   * picked (its skip lapsed, or all were skipped during an election), as a leader kill showed.
   */
  async run<T>(request: (client: Etcd3) => Promise<T>): Promise<T> {
    for (let tried = 1; ; tried++) {
      const member = this.current();
      try {
        return await this.on(member, request);
      } catch (error) {
        if (tried >= this.members.length || !neverSent(error) || this.current() === member) {
          throw error;
        }
      }
    }
  }

  /** Runs one request on `member`; a transient failure marks it silent. */
  async on<T>(member: EtcdMember, request: (client: Etcd3) => Promise<T>): Promise<T> {
    try {
      return await request(member.client);
    } catch (error) {
      recordFailedHost(error, member.host);
      this.failed(member, error);
      throw error;
    }
  }

  /**
   * A request to `member` failed in transit: the next one goes to the next member. A refused
   * connection means the member is down. A timeout may mean it is silent, or that the whole
   * cluster is waiting for a new leader (then every member times out, and none is to blame):
   * a status check, which a member answers without the leader, tells the two apart.
   */
  failed(member: EtcdMember, error: unknown): void {
    if (!isTransientEtcdError(error) || this.members.length === 1) return;
    const state = this.state(member);
    if (this.members[this.preferred] === state) {
      this.preferred = (this.preferred + 1) % this.members.length;
    }
    if (error instanceof GRPCDeadlineExceededError || isLeaderless(error)) this.check(state);
    else if (!answeredByServer(error)) this.silence(state, error);
  }

  /**
   * Checks the current member's status every `intervalMs`, and one other member's in turn. A
   * watch stream gives no sign when its member freezes, so without this a waiter could wait for
   * an event that never comes; the others' answer times tell when the current one turned slow.
   */
  startHeartbeat(intervalMs: number): void {
    if (this.members.length === 1 || this.heartbeat) return;
    let probe = 0;
    this.heartbeat = setInterval(() => {
      const current = this.state(this.current());
      this.check(current);
      // One other member per beat, in turn: what "slow" is compared with.
      probe = (probe + 1) % this.members.length;
      if (this.members[probe] !== current) this.check(this.members[probe]!);
    }, intervalMs);
    this.heartbeat.unref();
  }

  private check(state: MemberState): void {
    const silence = (error: unknown) => this.silence(state, error);
    checkMemberStatus(state, this.latency, () => this.slowerThanOthers(state), silence);
  }

  /** Only the member in use is left for being slow: the others are only compared with it. */
  private slowerThanOthers(state: MemberState): string | undefined {
    if (this.members[this.preferred] !== state) return undefined;
    const now = performance.now();
    const others = this.members.filter((m) => m !== state && m.badUntil <= now);
    return this.latency.muchSlower(
      state.host,
      others.map((m) => m.host),
    );
  }

  /** The member does not answer: skip it for a while, and move whatever waits on it. */
  private silence(state: MemberState, error: unknown): void {
    state.badUntil = performance.now() + BAD_FOR_MS;
    this.latency.forget(state.host); // judged afresh when it is used again
    const silenced = state.silenced;
    state.silenced = silencer();
    silenced.abort(error);
    if (this.members[this.preferred] === state) {
      this.preferred = (this.preferred + 1) % this.members.length;
    }
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
