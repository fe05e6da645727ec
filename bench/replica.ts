import 'reflect-metadata';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, type EtcdLockModuleOptions, LockService } from '../lib/index.js';

/** One replica of an app: its own module, etcd clients and session lease. */
export interface Replica {
  readonly app: INestApplicationContext;
  readonly locks: LockService;
  close(): Promise<void>;
}

export async function bootReplica(
  hosts: string,
  prefix: string,
  options: Partial<EtcdLockModuleOptions> = {},
): Promise<Replica> {
  const app = await NestFactory.createApplicationContext(
    EtcdLockModule.forRoot({ hosts, prefix, ...options }),
    { logger: false },
  );
  return { app, locks: app.get(LockService), close: () => app.close() };
}
