import { performance } from 'node:perf_hooks';
import { isTransientEtcdError } from './etcd-failure.diagnosis.js';
import type { MemberLatency } from './member-latency.js';
import type { MemberState } from './member-state.js';

/**
 * Asks `state`'s member for its status, which a member answers without the leader. One that
 * does not answer is silent; so is one that answers but has no leader (cut off from its peers
 * while clients still reach it): it cannot see new writes, so a watch on it would wait for the
 * whole cut. During an election every member says so for a moment. `slowness` says whether it
 * answered much slower than the others.
 */
export function checkMemberStatus(
  state: MemberState,
  latency: MemberLatency,
  slowness: () => string | undefined,
  silence: (error: unknown) => void,
): void {
  if (state.checking) return;
  state.checking = true;
  const sentAt = performance.now();
  state.client.maintenance
    .status()
    .then((status) => {
      latency.record(state.host, performance.now() - sentAt);
      const errors = status.errors ?? [];
      const why =
        status.leader === '0' || errors.length > 0
          ? `cannot serve: ${errors.join('; ') || 'no leader'}`
          : slowness();
      if (why) silence(new Error(`etcd member ${state.host} ${why}`));
    })
    .catch((error: unknown) => isTransientEtcdError(error) && silence(error))
    .finally(() => (state.checking = false));
}
