import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  type EtcdConnectionOptions,
  EtcdLockModule,
  type EtcdLockModuleOptions,
  type LockModuleSettings,
  type Lock,
  LockService,
} from '../../lib/index.js';
import { EtcdLockTestingModule, InMemoryLockBackend } from '../../lib/testing/index.js';
import { TestAppModule } from '../src/test-app.module.js';

export const etcdHosts = (): string => inject('etcdHosts');

/** A prefix no other test uses, so tests never see each other's keys. */
export const uniquePrefix = (label: string): string => `test-${label}-${randomUUID().slice(0, 8)}/`;

export type BackendKind = 'etcd' | 'memory';
/** Specs that run on both backends, so one suite checks that they agree. */
export const BACKENDS: readonly BackendKind[] = ['etcd', 'memory'];

/**
 * Boots instances of the test app that share one lock store, like replicas of one service:
 * the test etcd, or one `InMemoryLockBackend` through `EtcdLockTestingModule`.
 */
export function replicaSet(
  kind: BackendKind,
  settings: LockModuleSettings,
  connection: EtcdConnectionOptions = {},
) {
  const store = kind === 'memory' ? new InMemoryLockBackend(settings.prefix) : undefined;
  const module = () =>
    TestAppModule.withLocks(
      store
        ? EtcdLockTestingModule.forRoot({ ...settings, backend: store })
        : EtcdLockModule.forRoot({ hosts: etcdHosts(), ...connection, ...settings }),
    );
  return {
    store,
    context: (): Promise<INestApplicationContext> =>
      NestFactory.createApplicationContext(module(), { logger: false }),
    /** Over real HTTP on a free loopback port. */
    http: async (): Promise<{ app: INestApplication; url: string }> => {
      const app = await NestFactory.create(module(), { logger: false });
      await app.listen(0, '127.0.0.1');
      return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
    },
  };
}

export function bootContext(options: EtcdLockModuleOptions): Promise<INestApplicationContext> {
  return replicaSet('etcd', {}, options).context();
}

export function bootHttp(
  options: EtcdLockModuleOptions,
): Promise<{ app: INestApplication; url: string }> {
  return replicaSet('etcd', {}, options).http();
}

/** A plain etcd client for looking at what the library left behind. */
export function inspector(): Etcd3 {
  return new Etcd3({ hosts: etcdHosts() });
}

/** Revokes the session lease behind a lock, as an expiry or an operator would. */
export async function revokeLeaseOf(etcd: Etcd3, lock: Lock): Promise<void> {
  const leaseHex = lock.etcdKey.slice(lock.etcdKey.lastIndexOf('/') + 1).split('_')[0]!;
  await etcd.leaseClient.leaseRevoke({ ID: BigInt(`0x${leaseHex}`).toString() });
}

export async function keysUnder(client: Etcd3, prefix: string): Promise<string[]> {
  return client.getAll().prefix(prefix).keys();
}

export async function leaseCount(client: Etcd3): Promise<number> {
  return ((await client.leaseClient.leaseLeases()).leases ?? []).length;
}

export interface LockAppFixture {
  readonly app: INestApplicationContext;
  readonly locks: LockService;
  /** A separate plain client, for looking at etcd from outside the module. */
  readonly etcd: Etcd3;
  /** How many leases etcd had before the app started. */
  readonly leasesBefore: number;
}

/** Boots the test app before the suite's tests and closes it (and the inspector) afterwards. */
export function useLockApp(options: EtcdLockModuleOptions): LockAppFixture {
  const fixture = {} as { -readonly [K in keyof LockAppFixture]: LockAppFixture[K] };
  beforeAll(async () => {
    fixture.etcd = inspector();
    fixture.leasesBefore = await leaseCount(fixture.etcd);
    fixture.app = await bootContext(options);
    fixture.locks = fixture.app.get(LockService);
  });
  afterAll(async () => {
    await fixture.app?.close();
    fixture.etcd?.close();
  });
  return fixture;
}
