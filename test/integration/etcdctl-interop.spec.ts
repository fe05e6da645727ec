import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { etcdHosts, keysUnder, uniquePrefix, useLockApp } from '../support/lock-app.js';

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

  it('an etcdctl lock holder makes our readers wait, and our readers make etcdctl wait', async () => {
    const name = `${prefix}catalog`;
    const cli = etcdctlLock(name);
    await cli.acquired;
    const reader = fx.locks.acquire('catalog', { mode: 'read', waitTimeout: 10_000 });
    await expect.poll(() => keysUnder(fx.etcd, `${name}/`).then((k) => k.length)).toBe(2);
    cli.child.kill('SIGINT');
    await once(cli.child, 'exit');
    const ours = await reader;
    const second = await fx.locks.acquire('catalog', { mode: 'read' });
    const late = etcdctlLock(name);
    await expect.poll(() => keysUnder(fx.etcd, `${name}/`).then((k) => k.length)).toBe(3);
    expect(late.hasPrinted()).toBe(false);
    await Promise.all([ours.release(), second.release()]);
    await late.acquired;
    late.child.kill('SIGINT');
    await once(late.child, 'exit');
  });

  it('a semaphore refuses a name that etcdctl holds as a plain lock, naming both', async () => {
    const name = `${prefix}pool`;
    const cli = etcdctlLock(name);
    await cli.acquired;
    await expect(fx.locks.acquire('pool', { permits: 3 })).rejects.toThrow(
      /semaphore of 3 permits.*a lock \(write, one holder\)/,
    );
    cli.child.kill('SIGINT');
    await once(cli.child, 'exit');
    expect(await keysUnder(fx.etcd, `${name}/`)).toEqual([]);
  });
});

describe("the layout of etcd's contrib/recipes RWMutex (<name>/read/…, <name>/write/…)", () => {
  const prefix = uniquePrefix('rwmutex');
  const fx = useLockApp({ prefix });

  /** Puts a key as the Go recipe does: `<name>/<kind>/<unix nanos>` on a lease of its own. */
  async function goRecipeEntry(name: string, kind: 'read' | 'write') {
    const lease = fx.etcd.lease(10, { autoKeepAlive: false });
    const key = `${prefix}${name}/${kind}/${process.hrtime.bigint()}`;
    await lease.put(key).value('');
    return { release: () => lease.revoke() };
  }

  it('our readers share with its readers and wait for its writers; our writers wait for both', async () => {
    const goReader = await goRecipeEntry('doc', 'read');
    const ours = await fx.locks.tryAcquire('doc', { mode: 'read' });
    expect(ours?.held).toBe(true);
    await expect(fx.locks.tryAcquire('doc')).resolves.toBeNull();
    await Promise.all([ours!.release(), goReader.release()]);

    const goWriter = await goRecipeEntry('doc', 'write');
    await expect(fx.locks.tryAcquire('doc', { mode: 'read' })).resolves.toBeNull();
    const waiting = fx.locks.acquire('doc', { mode: 'read', waitTimeout: 10_000 });
    await goWriter.release();
    await (await waiting).release();
  });
});
