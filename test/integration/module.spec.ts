import { execFileSync } from 'node:child_process';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFIX,
  ETCD_LOCK_CLIENT,
  EtcdLockModule,
  type EtcdLockModuleOptions,
  type EtcdLockOptionsFactory,
  LockService,
} from '../../lib/index.js';
import { etcdHosts, inspector, keysUnder, leaseCount, uniquePrefix } from '../support/lock-app.js';

@Injectable()
class LockConfig implements EtcdLockOptionsFactory {
  createEtcdLockOptions(): EtcdLockModuleOptions {
    return { hosts: etcdHosts(), prefix: 'from-class/' };
  }
}

@Module({ providers: [LockConfig], exports: [LockConfig] })
class ConfigModule {}

async function boot(lockModule: ReturnType<typeof EtcdLockModule.forRoot>) {
  @Module({ imports: [lockModule] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}

describe('EtcdLockModule', () => {
  let etcd: Etcd3;
  beforeAll(() => {
    etcd = inspector();
  });
  afterAll(() => etcd.close());

  it('forRoot() has working defaults (hosts from ETCD_HOSTS, default prefix)', async () => {
    const saved = process.env.ETCD_HOSTS;
    process.env.ETCD_HOSTS = etcdHosts();
    const app = await boot(EtcdLockModule.forRoot());
    process.env.ETCD_HOSTS = saved;
    const lock = await app.get(LockService).acquire(`defaults-${Date.now()}`);
    expect(lock.etcdKey.startsWith(DEFAULT_PREFIX)).toBe(true);
    await app.close();
  });

  it('forRootAsync with useFactory and inject', async () => {
    const app = await boot(
      EtcdLockModule.forRootAsync({
        imports: [ConfigModule],
        inject: [LockConfig],
        useFactory: (config: LockConfig) => ({
          ...config.createEtcdLockOptions(),
          prefix: 'from-factory/',
        }),
      }),
    );
    const lock = await app.get(LockService).acquire('async');
    expect(lock.etcdKey.startsWith('from-factory/async/')).toBe(true);
    await app.close();
  });

  it('forRootAsync with useClass', async () => {
    const app = await boot(EtcdLockModule.forRootAsync({ useClass: LockConfig }));
    const lock = await app.get(LockService).acquire('async');
    expect(lock.etcdKey.startsWith('from-class/async/')).toBe(true);
    await app.close();
  });

  it('uses a client it is given and leaves it open on shutdown', async () => {
    const client = new Etcd3({ hosts: etcdHosts() });
    const app = await boot(EtcdLockModule.forRoot({ client, prefix: uniquePrefix('client') }));
    expect(app.get(ETCD_LOCK_CLIENT)).toBe(client);
    await (await app.get(LockService).acquire('given')).release();
    await app.close();
    await expect(client.put('still-open').value('yes')).resolves.toBeDefined();
    client.close();
  });

  it('on shutdown releases held locks at once: a waiter elsewhere does not wait for the TTL', async () => {
    const prefix = uniquePrefix('shutdown');
    const leasesBefore = await leaseCount(etcd);
    // A bare acquire() is never released by its caller: no drain, revoke at once.
    const holder = await boot(
      EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix, ttl: 60, shutdownTimeout: 0 }),
    );
    const waiter = await boot(EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix }));
    const held = await holder.get(LockService).acquire('job');
    const waiting = waiter.get(LockService).acquire('job', { waitTimeout: 10_000 });
    await expect.poll(() => keysUnder(etcd, `${prefix}job/`).then((k) => k.length)).toBe(2);
    await holder.close();
    expect(held.held).toBe(false);
    const next = await waiting; // a 60 s TTL would have outlasted the 10 s wait
    await next.release();
    await waiter.close();
    expect(await keysUnder(etcd, prefix)).toEqual([]);
    expect(await leaseCount(etcd)).toBe(leasesBefore);
  });
});

describe('packaging', () => {
  it('the built ESM package loads from CommonJS through require(esm)', () => {
    const script =
      "const m = require('./dist/index.js'); console.log(typeof m.EtcdLockModule, typeof m.WithLock)";
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(out.trim()).toBe('function function');
  });
});
