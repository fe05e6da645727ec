import { describe, expect, it } from 'vitest';
import { MemberLatency } from '../../../../lib/etcd/cluster/member-latency.js';

describe('which member is much slower than the others', () => {
  it('names a member that turned 250 ms slower within two samples, with both figures', () => {
    const latency = new MemberLatency();
    for (const host of ['a', 'b', 'c']) latency.record(host, 2);
    latency.record('a', 500);
    expect(latency.muchSlower('a', ['b', 'c'])).toMatch(
      /answers in 251 ms where another member answers in 2 ms/,
    );
  });

  it('leaves noise alone: a few ms more on a busy machine is not slow', () => {
    const latency = new MemberLatency();
    latency.record('a', 20);
    latency.record('b', 2);
    expect(latency.muchSlower('a', ['b'])).toBeUndefined();
  });

  it('says nothing without a figure to compare with, or after the member was forgotten', () => {
    const latency = new MemberLatency();
    latency.record('a', 900);
    expect(latency.muchSlower('a', ['b'])).toBeUndefined();
    latency.record('b', 1);
    latency.forget('a');
    expect(latency.muchSlower('a', ['b'])).toBeUndefined();
  });
});
