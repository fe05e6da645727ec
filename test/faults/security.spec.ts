import { rmSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdLockModuleOptions, LockAcquireError, LockService } from '../../lib/index.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { enableAuth, etcdctlAt } from '../support/etcd-auth.js';
import { recordFault } from '../support/fault-record.js';
import { bootContext } from '../support/lock-app.js';
import { makeTlsMaterial, readPem, type TlsMaterial } from '../support/tls-material.js';

describe('TLS and etcd auth: a tenant user whose role covers only its own prefix', () => {
  let tls: TlsMaterial;
  let etcd: EtcdInstance;
  let admin: Etcd3;
  const results: string[] = [];

  beforeAll(async () => {
    tls = makeTlsMaterial();
    etcd = await startEtcd({
      clientScheme: 'https',
      extraArgs: ['--cert-file', tls.serverCert, '--key-file', tls.serverKey],
    });
    const ctl = etcdctlAt(`https://${etcd.endpoint}`, `--cacert=${tls.caCert}`);
    enableAuth(ctl, [
      { user: 'tenant-a', password: 'a-pw', permission: 'readwrite', prefix: 'tenant-a/' },
    ]);
    admin = new Etcd3({
      hosts: `https://${etcd.endpoint}`,
      credentials: { rootCertificate: readPem(tls.caCert) },
      auth: { username: 'root', password: 'root-pw' },
    });
  });
  afterAll(async () => {
    admin?.close();
    await etcd?.stop();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  const tenantA = (overrides: Partial<EtcdLockModuleOptions> = {}): EtcdLockModuleOptions => ({
    hosts: `https://${etcd.endpoint}`,
    credentials: { rootCertificate: readPem(tls.caCert) },
    auth: { username: 'tenant-a', password: 'a-pw' },
    prefix: 'tenant-a/',
    callTimeout: 2_000,
    retries: 0,
    ...overrides,
  });

  async function attempt(options: EtcdLockModuleOptions, key = 'job') {
    const app = await bootContext(options);
    try {
      const lock = await app.get(LockService).acquire(key);
      const etcdKey = lock.etcdKey;
      await lock.release();
      return { etcdKey };
    } catch (error) {
      return { error };
    } finally {
      await app.close();
    }
  }

  it('connects with the right certificate and credentials', async () => {
    const { etcdKey, error } = await attempt(tenantA());
    expect(error).toBeUndefined();
    expect(etcdKey!.startsWith('tenant-a/job/')).toBe(true);
    results.push('TLS + auth: lock taken');
  });

  it('keys from request input such as "../tenant-b" stay under the tenant prefix', async () => {
    const { etcdKey, error } = await attempt(tenantA(), '../tenant-b/job');
    expect(error).toBeUndefined();
    expect(etcdKey!.startsWith('tenant-a/../tenant-b/job/')).toBe(true);
    expect(await admin.getAll().prefix('tenant-b/').keys()).toEqual([]);
    results.push('"../tenant-b" stays under tenant-a/');
  });

  it.each([
    ['a prefix the role does not cover', { prefix: 'tenant-b/' }, 'PERMISSION_DENIED'],
    ['a wrong password', { auth: { username: 'tenant-a', password: 'wrong' } }, 'AUTH_FAILED'],
    ['no TLS against a TLS port', { hosts: `http://placeholder`, credentials: undefined }, 'TLS'],
    ['a certificate from another CA', { credentials: 'other-ca' }, 'TLS'],
  ])('fails clearly with %s, and writes nothing (%s)', async (label, raw, code) => {
    const overrides = { ...raw } as Partial<EtcdLockModuleOptions> & { credentials?: unknown };
    if (overrides.hosts === 'http://placeholder') overrides.hosts = `http://${etcd.endpoint}`;
    if ((overrides.credentials as unknown) === 'other-ca')
      overrides.credentials = { rootCertificate: readPem(tls.otherCaCert) };
    const { error } = await attempt(tenantA(overrides as Partial<EtcdLockModuleOptions>));
    expect(error).toBeInstanceOf(LockAcquireError);
    expect((error as Error).cause).toMatchObject({ code });
    expect(await admin.getAll().prefix('tenant-').keys()).toEqual([]);
    results.push(
      `${label}: ${(error as LockAcquireError).message.split(': ').slice(1).join(': ').slice(0, 60)}`,
    );
  });

  it('records the outcome', () => {
    expect(results).toHaveLength(6);
    recordFault({
      scenario: 'Security (TLS + auth)',
      invariant:
        'right options connect; wrong ones fail with LockAcquireError and write nothing; tenant keys stay in their prefix',
      figure: results.join('; '),
    });
  });
});
