import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Etcd3 } from 'etcd3';
import { inject } from 'vitest';
import type { EtcdLockModuleOptions } from '../../lib/index.js';
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
