import {
  type Etcd3,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
} from 'etcd3';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { EtcdMembers } from '../../../../lib/etcd/cluster/etcd-members.js';

/**
 * Members with stand-in clients: choosing a member needs no etcd. `silent` lists the hosts
 * whose status check gets no answer.
 */
function members(hosts: string[], silent: string[] = []) {
  const closed: string[] = [];
  const list = hosts.map((host) => ({
    host,
    client: {
      host,
      close: () => closed.push(host),
      maintenance: {
        status: () =>
          silent.includes(host)
            ? Promise.reject(new GRPCDeadlineExceededError(`${host} is silent`))
            : Promise.resolve({}),
      },
    } as unknown as Etcd3,
  }));
  return { set: new EtcdMembers(list), closed };
}

/** The host a stand-in client stands in for. */
const hostOf = (client: Etcd3): string => (client as unknown as { host: string }).host;

describe('choosing the etcd member to talk to', () => {
  it('stays on the first member while it answers', () => {
    const { set } = members(['a', 'b', 'c']);
    expect([set.current().host, set.current().host]).toEqual(['a', 'a']);
  });

  it('sends the next request to the next member after a timeout', () => {
    const { set } = members(['a', 'b', 'c']);
    set.failed(set.current(), new GRPCDeadlineExceededError('no answer'));
    expect(set.current().host).toBe('b');
  });

  it('skips a member whose status check also goes unanswered, and tells what waits on it', async () => {
    const { set } = members(['a', 'b', 'c'], ['a']);
    const a = set.current();
    const signal = set.silenced(a);
    set.failed(a, new GRPCDeadlineExceededError('no answer'));
    await tick();
    expect(signal.aborted).toBe(true);
    expect(set.silenced(a).aborted).toBe(false); // a fresh signal for its next spell
    set.failed(set.current(), new GRPCDeadlineExceededError('no answer')); // b: cluster-wide wait
    await tick();
    expect(set.current().host).toBe('c');
    set.failed(set.current(), new GRPCDeadlineExceededError('no answer'));
    await tick();
    expect(set.current().host).toBe('b'); // a is still skipped; b and c only timed out
  });

  it('does not blame members that answer their status while the cluster elects a leader', async () => {
    const { set } = members(['a', 'b']);
    const signal = set.silenced(set.current());
    set.failed(set.current(), new GRPCDeadlineExceededError('waiting for a leader'));
    set.failed(set.current(), new GRPCUnavailableError('etcdserver: no leader'));
    await tick();
    expect(signal.aborted).toBe(false);
    expect(set.current().host).toBe('a');
  });

  it('skips a member that refuses the connection at once', () => {
    const { set } = members(['a', 'b']);
    const signal = set.silenced(set.current());
    set.failed(set.current(), new GRPCUnavailableError('connect ECONNREFUSED'));
    expect(signal.aborted).toBe(true);
    expect(set.current().host).toBe('b');
  });

  it('does not blame a member for an answer it gave', () => {
    const { set } = members(['a', 'b']);
    const signal = set.silenced(set.current());
    set.failed(set.current(), new EtcdPermissionDeniedError('denied'));
    expect(set.current().host).toBe('a');
    expect(signal.aborted).toBe(false);
  });

  it('when every member is skipped, tries the one skipped longest', () => {
    const { set } = members(['a', 'b', 'c']);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const member = set.current();
      order.push(member.host);
      set.failed(member, new GRPCUnavailableError(`${member.host} refused`));
    }
    expect(order).toEqual(['a', 'b', 'c']);
    expect(set.current().host).toBe('a');
  });

  it('never skips the only member: there is nowhere else to go', () => {
    const { set } = members(['a'], ['a']);
    const signal = set.silenced(set.current());
    set.failed(set.current(), new GRPCUnavailableError('refused'));
    expect(signal.aborted).toBe(false);
  });

  it('sends a request that never left the client on to the next member, at no retry', async () => {
    const { set } = members(['a', 'b', 'c']);
    const asked: string[] = [];
    const answer = await set.run(async (client) => {
      const host = hostOf(client);
      asked.push(host);
      if (host === 'a')
        throw new GRPCUnavailableError(
          'No connection established. Last error: Error: connect ECONNREFUSED',
        );
      return host;
    });
    expect({ answer, asked }).toEqual({ answer: 'b', asked: ['a', 'b'] });
  });

  it('does not resend a request that may have reached etcd: the caller decides', async () => {
    const { set } = members(['a', 'b']);
    const asked: string[] = [];
    const request = set.run(async (client) => {
      asked.push(hostOf(client));
      throw new GRPCUnavailableError('read ECONNRESET');
    });
    await expect(request).rejects.toThrow('ECONNRESET');
    expect(asked).toEqual(['a']);
    expect(set.current().host).toBe('b');
  });

  it('tries each member once when none can be reached, then fails', async () => {
    const { set } = members(['a', 'b', 'c']);
    const asked: string[] = [];
    const request = set.run(async (client) => {
      asked.push(hostOf(client));
      throw new GRPCUnavailableError('connect ECONNREFUSED');
    });
    await expect(request).rejects.toThrow('ECONNREFUSED');
    expect(asked).toEqual(['a', 'b', 'c']);
  });

  it('closes the clients only when they are its own', () => {
    const own = members(['a', 'b']);
    own.set.close(true);
    expect(own.closed).toEqual(['a', 'b']);
    const given = members(['a']);
    given.set.close(false);
    expect(given.closed).toEqual([]);
  });
});
