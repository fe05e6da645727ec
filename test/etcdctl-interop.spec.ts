import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { etcdHosts, keysUnder, uniquePrefix, useLockApp } from './support/lock-app.js';

const etcdctl = inject('etcdctl');

describe('interop with `etcdctl lock` (Go concurrency.Mutex)', () => {
  const prefix = uniquePrefix('interop');
  const fx = useLockApp({ prefix });

  beforeAll(() => {
    if (!etcdctl) throw new Error('etcdctl not found: install etcd-client or put etcdctl on PATH');
  });

  /** `etcdctl lock <name>` prints its key once it holds the lock and keeps it until interrupted. */
  function etcdctlLock(name: string) {
    const child = spawn(etcdctl, [`--endpoints=http://${etcdHosts()}`, 'lock', name], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    let printed = false;
    const acquired = lines.next().then((r) => {
      printed = true;
      return r.value as string;
    });
    return { child, acquired, hasPrinted: () => printed };
  }

  it('a lock held by the library makes etcdctl wait, and the reverse', async () => {
    const name = `${prefix}shared`;
    const ours = await fx.locks.acquire('shared');
    const cli = etcdctlLock(name);
    // etcdctl has queued its own key behind ours, yet it has not acquired.
    await expect.poll(() => keysUnder(fx.etcd, `${name}/`).then((k) => k.length)).toBe(2);
    expect(cli.hasPrinted()).toBe(false);

    await ours.release();
    const cliKey = await cli.acquired;
    expect(cliKey.startsWith(`${name}/`)).toBe(true);
    expect(await fx.locks.tryAcquire('shared')).toBeNull();

    const waiting = fx.locks.acquire('shared', { waitTimeout: 10_000 });
    cli.child.kill('SIGINT');
    await once(cli.child, 'exit');
    const next = await waiting;
    expect(next.fencingToken > ours.fencingToken).toBe(true);
    await next.release();
    expect(await keysUnder(fx.etcd, `${name}/`)).toEqual([]);
  });
});
