import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { INestApplicationContext } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LeaderService } from '../../lib/index.js';
import { bootContext, etcdHosts, inspector, keysUnder, uniquePrefix } from '../support/lock-app.js';

const etcdctl = inject('etcdctl');

/** Runs `etcdctl elect …`; its stdout lines arrive in order through `nextLine()`. */
function etcdctlElect(...args: string[]) {
  const child = spawn(etcdctl, [`--endpoints=http://${etcdHosts()}`, 'elect', ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, nextLine: async () => (await lines.next()).value as string };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGINT'); // etcdctl elect resigns on SIGINT
  await once(child, 'exit');
}

describe('interop with `etcdctl elect` (Go concurrency.Election)', () => {
  const prefix = uniquePrefix('elect');
  let apps: INestApplicationContext[];
  let a: LeaderService;
  let b: LeaderService;
  let etcd: Etcd3;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!etcdctl) throw new Error('etcdctl not found: install etcd-client or put etcdctl on PATH');
    apps = await Promise.all([bootContext({ prefix }), bootContext({ prefix })]);
    [a, b] = apps.map((app) => app.get(LeaderService)) as [LeaderService, LeaderService];
    etcd = inspector();
  });
  afterAll(async () => {
    for (const child of children) await stop(child);
    await Promise.all(apps.map((app) => app.close()));
    etcd.close();
  });

  it('`etcdctl elect -l` lists our leaders as they change', async () => {
    const observer = etcdctlElect('-l', `${prefix}listed`);
    children.push(observer.child);
    const first = await a.campaign('listed', { value: 'ours-1' });
    // It prints the leader's key, then its value, on every change.
    expect((await observer.nextLine()).startsWith(`${prefix}listed/`)).toBe(true);
    expect(await observer.nextLine()).toBe('ours-1');
    const waiting = b.campaign('listed', { value: 'ours-2' });
    await first.resign();
    const second = await waiting;
    expect((await observer.nextLine()).startsWith(`${prefix}listed/`)).toBe(true);
    expect(await observer.nextLine()).toBe('ours-2');
    await second.resign();
  });

  it('stands by while `etcdctl elect` leads, names it, and takes over when it resigns', async () => {
    const go = etcdctlElect(`${prefix}go-leads`, 'go-proposal');
    children.push(go.child);
    expect((await go.nextLine()).startsWith(`${prefix}go-leads/`)).toBe(true); // elected
    const ours = a.campaign('go-leads', { value: 'ours' });
    await expect(b.leader('go-leads')).resolves.toMatchObject({ value: 'go-proposal' });
    expect(a.isLeader('go-leads')).toBe(false);
    await stop(go.child);
    const leadership = await ours;
    await expect(b.leader('go-leads')).resolves.toEqual({ value: 'ours', term: leadership.term });
    await leadership.resign();
  });

  it('a candidate whose key died with its session does not lead, and campaigns again (etcd #11051)', async () => {
    const leader = await a.campaign('session-died');
    const candidate = b.campaign('session-died', { value: 'b' });
    let settled = false;
    void candidate.finally(() => (settled = true));
    const queue = `${prefix}session-died/`;
    await expect.poll(() => keysUnder(etcd, queue).then((k) => k.length)).toBe(2);
    const [, waitingKey] = await etcd.getAll().prefix(queue).sort('Create', 'Ascend').keys();
    const leaseHex = waitingKey!.slice(queue.length).split('_')[0]!;
    // The candidate's campaign puts a fresh key once it notices its session is gone.
    const recampaigned = new Promise<string>((resolve) => {
      void etcd
        .watch()
        .prefix(queue)
        .create()
        .then((watcher) =>
          watcher.on('put', (kv) => (resolve(kv.key.toString()), void watcher.cancel())),
        );
    });
    await etcd.leaseClient.leaseRevoke({ ID: BigInt(`0x${leaseHex}`).toString() });
    const freshKey = await recampaigned;
    expect(freshKey).not.toBe(waitingKey);
    expect(settled).toBe(false);
    expect(b.isLeader('session-died')).toBe(false);
    await leader.resign();
    const leadership = await candidate;
    await expect(a.leader('session-died')).resolves.toEqual({ value: 'b', term: leadership.term });
    await leadership.resign();
  });

  it('an observer sees the leader key deleted by someone else, then the next leader', async () => {
    const first = await a.campaign('deleted', { value: 'first' });
    const waiting = b.campaign('deleted', { value: 'second' });
    const seen = firstValueFrom(b.observe('deleted').pipe(filter((l) => l?.value === 'second')));
    const queue = `${prefix}deleted/`;
    await expect.poll(() => keysUnder(etcd, queue).then((k) => k.length)).toBe(2);
    const [leaderKey] = await etcd.getAll().prefix(queue).sort('Create', 'Ascend').keys();
    await etcd.delete().key(leaderKey!);
    const second = await waiting;
    await expect(seen).resolves.toEqual({ value: 'second', term: second.term });
    // The old leader hears of the delete on its own watch, which may come after b's turn.
    if (!first.signal.aborted) await once(first.signal, 'abort');
    expect(first.isLeader).toBe(false);
    await second.resign();
  });
});
