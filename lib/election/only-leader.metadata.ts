/** The election an `@OnlyLeader` method names, read at bootstrap to campaign for it. */
export const ONLY_LEADER_ELECTION = Symbol('nestjs-etcd-lock:onlyLeader');
