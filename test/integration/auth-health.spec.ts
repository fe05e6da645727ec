import { Test, type TestingModule } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdLockHealthIndicator } from '../../lib/health/index.js';
import {
  EtcdLockModule,
  type EtcdLockModuleOptions,
  EtcdRequestError,
  LockAcquireError,
  type Lock,
  LockService,
} from '../../lib/index.js';
import { Etcd3 } from 'etcd3';
import { nestedTxnAuthBugIn } from '../../lib/etcd/cluster/etcd-version.check.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { enableAuth, etcdctlAt } from '../support/etcd-auth.js';

/** Health and ping must fail exactly when locks would: here etcd has authentication on. */
describe('ping and health against an etcd with authentication', () => {
  let etcd: EtcdInstance;
  const apps: TestingModule[] = [];

  beforeAll(async () => {
    etcd = await startEtcd(); // its own etcd: auth on the shared one would break other tests
    enableAuth(etcdctlAt(etcd.endpoint), [
      { user: 'reader', password: 'r-pw', permission: 'read', prefix: 'app/' },
      { user: 'writer', password: 'w-pw', permission: 'readwrite', prefix: 'app/' },
      { user: 'partial', password: 'p-pw', permission: 'readwrite', prefix: 'app/open/' },
    ]);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await etcd?.stop();
  });

  async function boot(options: Partial<EtcdLockModuleOptions>) {
    const app = await Test.createTestingModule({
      imports: [
        EtcdLockModule.forRoot({
          hosts: etcd.endpoint,
          prefix: 'app/',
          retries: 0,
          log: 'none',
          ...options,
        }),
        TerminusModule,
      ],
      providers: [EtcdLockHealthIndicator],
    }).compile();
    apps.push(app);
    const indicator = app.get(EtcdLockHealthIndicator);
    return {
      locks: app.get(LockService),
      health: () => indicator.isHealthy('etcd-lock', { timeout: 3000 }),
      detailed: () => indicator.isHealthy('etcd-lock', { timeout: 3000, details: true }),
    };
  }

  it('without credentials: ping says AUTH_FAILED, health is down, and acquire fails alike', async () => {
    const { locks, health, detailed } = await boot({});
    await expect(locks.ping()).rejects.toMatchObject({ code: 'AUTH_FAILED', host: etcd.endpoint });
    await expect(locks.ping()).rejects.toThrow(/pass auth: \{ username, password \}/);
    const status = await health();
    // A public health endpoint names neither the etcd host nor what failed, unless asked to.
    expect(status['etcd-lock']).toMatchObject({ status: 'down', message: 'etcd unavailable' });
    const told = (await detailed())['etcd-lock'] as { message: string };
    expect(told.message).toContain(etcd.endpoint);
    const acquired = await locks.acquire('job').catch((e: unknown) => e);
    expect(acquired).toBeInstanceOf(LockAcquireError);
    expect((acquired as Error).cause).toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('with a role that may only read the prefix: ping says PERMISSION_DENIED, health is down', async () => {
    const { locks, health } = await boot({ auth: { username: 'reader', password: 'r-pw' } });
    const pinged = await locks.ping().catch((e: unknown) => e);
    expect(pinged).toBeInstanceOf(EtcdRequestError);
    expect(pinged).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((await health())['etcd-lock']).toMatchObject({ status: 'down' });
    const acquired = await locks.acquire('job').catch((e: unknown) => e);
    expect((acquired as Error).cause).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('with a role that may write the prefix: ping resolves, health is up, and locks work', async () => {
    const { locks, health } = await boot({ auth: { username: 'writer', password: 'w-pw' } });
    await expect(locks.ping()).resolves.toBeUndefined();
    expect((await health())['etcd-lock']).toMatchObject({ status: 'up' });
    const lock = await locks.acquire('job');
    await lock.release();
  });

  /** `open/0` goes alone; the other four come while it is in flight, as one batch would. */
  async function fiveAtOnce(locks: LockService) {
    const names = ['open/0', 'open/1', 'closed/1', 'open/2', 'open/3'];
    const outcomes = await Promise.all(names.map((n) => locks.acquire(n).catch((e: unknown) => e)));
    const served = outcomes.filter((o): o is Lock => !(o instanceof Error));
    const refused = outcomes.filter((o) => o instanceof Error);
    for (const lock of served) await lock.release();
    return { served: served.map((lock) => lock.key), refused };
  }

  it('with auth, group commit is off by default: a name the role may not write fails alone, and its neighbours are served', async () => {
    const { locks } = await boot({ auth: { username: 'partial', password: 'p-pw' } });
    const { served, refused } = await fiveAtOnce(locks);
    expect(served).toEqual(['open/0', 'open/1', 'open/2', 'open/3']);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(LockAcquireError);
    expect((refused[0] as Error).cause).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(locks.stats().batches!.largest).toBe(1);
  });

  it('with group commit forced on, this etcd release decides whether a batch is checked, as the start-up warning says', async () => {
    const { locks } = await boot({
      auth: { username: 'partial', password: 'p-pw' },
      groupCommit: true,
    });
    const root = new Etcd3({
      hosts: etcd.endpoint,
      auth: { username: 'root', password: 'root-pw' },
    });
    const { version } = await root.maintenance.status();
    root.close();
    const { served, refused } = await fiveAtOnce(locks);
    expect(locks.stats().batches!.largest).toBe(4);
    // A release that skips permission checks inside nested transactions lets the batch take the
    // denied name; a fixed one refuses it, and only it.
    const unchecked = nestedTxnAuthBugIn(version) !== undefined;
    const open = ['open/0', 'open/1', 'open/2', 'open/3'];
    expect(served).toEqual(unchecked ? [...open.slice(0, 2), 'closed/1', ...open.slice(2)] : open);
    expect(refused.map((e) => (e as Error).cause)).toMatchObject(
      unchecked ? [] : [{ code: 'PERMISSION_DENIED' }],
    );
  });
});
