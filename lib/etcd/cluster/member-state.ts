import { setMaxListeners } from 'node:events';
import type { Etcd3 } from 'etcd3';

/** One etcd endpoint and a client that talks to it alone. */
export interface EtcdMember {
  readonly host: string;
  readonly client: Etcd3;
}

/** What `EtcdMembers` knows of one member. */
export interface MemberState extends EtcdMember {
  /** Until then (performance clock) the member is skipped while another one is usable. */
  badUntil: number;
  /** A status check of it is under way. */
  checking: boolean;
  /** Aborts when the member is found silent, so work that waits on it moves elsewhere. */
  silenced: AbortController;
}

/** How long a member that failed to answer is skipped: long enough not to stall call after call. */
export const BAD_FOR_MS = 5_000;

export function memberState(member: EtcdMember): MemberState {
  return { ...member, badUntil: 0, checking: false, silenced: silencer() };
}

export function silencer(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener per waiter on the member
  return controller;
}

/** "etcdserver: no leader" and the like: the member is alive, the cluster is not ready. */
export function answeredByServer(error: unknown): boolean {
  return error instanceof Error && error.message.includes('etcdserver:');
}
