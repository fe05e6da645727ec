import { EventEmitter } from 'node:events';
import type { Etcd3, Watcher } from 'etcd3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EtcdMembers } from '../../../../lib/etcd/cluster/etcd-members.js';
import { MemberWatch } from '../../../../lib/etcd/watch/member-watch.js';

/** A stand-in stream: the test says when etcd confirms, cancels or drops it. */
class StandInWatcher extends EventEmitter {
  cancelled = false;
  cancel(): Promise<void> {
    this.cancelled = true;
    return Promise.resolve();
  }
}

/** One member whose client hands out stand-in streams, and what the watch's owner was told. */
function watchOnStandIns() {
  const streams: StandInWatcher[] = [];
  const builder = {
    prefix: () => builder,
    watcher: () => streams[streams.push(new StandInWatcher()) - 1] as unknown as Watcher,
  };
  const client = { watch: () => builder, close: () => undefined } as unknown as Etcd3;
  const members = new EtcdMembers([{ host: 'a', client }]);
  const broke: boolean[] = [];
  const watch = new MemberWatch(members, {
    build: (member) => member.client.watch().prefix('q/'),
    opened: () => undefined,
    broke: (missed) => broke.push(missed),
  });
  return { watch, streams, broke };
}

afterEach(() => vi.useRealTimers());

describe('a watch that follows the current member', () => {
  it('reopens after etcd cancels a stream that was up, and says events were missed', async () => {
    vi.useFakeTimers();
    const { watch, streams, broke } = watchOnStandIns();
    watch.ensure();
    streams[0]!.emit('connected');
    streams[0]!.emit('error', new Error('etcdserver: mvcc: required revision has been compacted'));
    expect(broke).toEqual([true]);
    expect(streams[0]!.cancelled).toBe(true);
    expect(watch.isCurrent(streams[0] as unknown as Watcher)).toBe(false);
    // Not at once: a cluster that keeps cancelling is not spun on.
    await vi.advanceTimersByTimeAsync(499);
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(2);
    expect(watch.isCurrent(streams[1] as unknown as Watcher)).toBe(true);
    watch.close();
  });

  it('reopens at once after a stream that had answered drops, and waits after one that never did', async () => {
    vi.useFakeTimers();
    const { watch, streams, broke } = watchOnStandIns();
    watch.ensure();
    streams[0]!.emit('connected');
    await vi.advanceTimersByTimeAsync(0); // the confirmation settles before the drop
    streams[0]!.emit('disconnected', new Error('stream reset'));
    await vi.advanceTimersByTimeAsync(1); // a zero timeout, as Node runs it
    expect(streams).toHaveLength(2);
    streams[1]!.emit('disconnected', new Error('connection refused'));
    await vi.advanceTimersByTimeAsync(499);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(3);
    expect(broke).toEqual([false, false]);
    watch.close();
  });

  it('opens nothing more once closed, even when a restart was already due', async () => {
    vi.useFakeTimers();
    const { watch, streams } = watchOnStandIns();
    watch.ensure();
    streams[0]!.emit('error', new Error('cancelled'));
    watch.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(streams).toHaveLength(1);
  });
});
