import { GRPCDeadlineExceededError, GRPCUnavailableError, EtcdPermissionDeniedError } from 'etcd3';
import type { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { EtcdMembers } from '../../lib/etcd/etcd-members.js';

/** Members with stand-in clients: the choice of member needs no etcd. */
function members(...hosts: string[]) {
  const closed: string[] = [];
  const list = hosts.map((host) => ({
    host,
    client: { close: () => closed.push(host) } as unknown as Etcd3,
  }));
  return { set: new EtcdMembers(list), closed };
}

describe('choosing the etcd member to talk to', () => {
  it('stays on the first member while it answers', () => {
    const { set } = members('a', 'b', 'c');
    expect([set.current().host, set.current().host]).toEqual(['a', 'a']);
  });

  it('moves to the next member when one times out, and skips it for a while', () => {
    const { set } = members('a', 'b', 'c');
    set.failed(set.current(), new GRPCDeadlineExceededError('no answer'));
    expect(set.current().host).toBe('b');
    set.failed(set.current(), new GRPCUnavailableError('refused'));
    expect(set.current().host).toBe('c');
  });

  it('tells whatever waits on a member that it went silent', () => {
    const { set } = members('a', 'b');
    const a = set.current();
    const signal = set.silenced(a);
    const error = new GRPCDeadlineExceededError('no answer');
    set.failed(a, error);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(error);
    expect(set.silenced(a).aborted).toBe(false); // a fresh signal for its next spell
  });

  it('does not blame a member for an answer it gave', () => {
    const { set } = members('a', 'b');
    const signal = set.silenced(set.current());
    set.failed(set.current(), new EtcdPermissionDeniedError('denied'));
    expect(set.current().host).toBe('a');
    expect(signal.aborted).toBe(false);
  });

  it('when every member failed, tries the one skipped longest', () => {
    const { set } = members('a', 'b', 'c');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const member = set.current();
      order.push(member.host);
      set.failed(member, new GRPCUnavailableError(member.host));
    }
    expect(order).toEqual(['a', 'b', 'c']);
    expect(set.current().host).toBe('a');
  });

  it('never marks the only member bad: there is nowhere else to go', () => {
    const { set } = members('a');
    const signal = set.silenced(set.current());
    set.failed(set.current(), new GRPCDeadlineExceededError('slow'));
    expect(signal.aborted).toBe(false);
  });

  it('closes the clients only when they are its own', () => {
    const own = members('a', 'b');
    own.set.close(true);
    expect(own.closed).toEqual(['a', 'b']);
    const given = members('a');
    given.set.close(false);
    expect(given.closed).toEqual([]);
  });
});
