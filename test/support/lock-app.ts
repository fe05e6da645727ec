import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, inject } from 'vitest';
import { type EtcdLockModuleOptions, LockService } from '../../lib/index.js';
import { TestAppModule } from '../src/test-app.module.js';

export const etcdHosts = (): string => inject('etcdHosts');

/** A prefix no other test uses, so tests never see each other's keys. */
export const uniquePrefix = (label: string): string => `test-${label}-${randomUUID().slice(0, 8)}/`;

export function bootContext(options: EtcdLockModuleOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    TestAppModule.register({ hosts: etcdHosts(), ...options }),
    { logger: false },
  );
}

/** The test app over real HTTP on a free loopback port; returns its base URL. */
export async function bootHttp(
  options: EtcdLockModuleOptions,
): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(TestAppModule.register({ hosts: etcdHosts(), ...options }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** A plain etcd client for looking at what the library left behind. */
export function inspector(): Etcd3 {
  return new Etcd3({ hosts: etcdHosts() });
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
