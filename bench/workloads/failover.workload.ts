import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Etcd3 } from 'etcd3';
import { EtcdLockModule, LockService } from '../../lib/index.js';

/**
 * Workload 5: a holder process is SIGKILLed while a waiter in this process waits. Returns the
 * milliseconds from the kill to the waiter's acquisition: the lease must run out first.
 */
export async function failover(hosts: string, ttl: number): Promise<number> {
  const prefix = `bench-failover-${ttl}-${Date.now()}/`;
  const holder = spawn(process.execPath, ['build/bench/holder.worker.js'], {
    env: { ...process.env, HOSTS: hosts, PREFIX: prefix, KEY: 'job', TTL: String(ttl) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  @Module({ imports: [EtcdLockModule.forRoot({ hosts, prefix })] })
  class WaiterModule {}
  const app = await NestFactory.createApplicationContext(WaiterModule, { logger: false });
  const inspector = new Etcd3({ hosts });
  try {
    await once(createInterface({ input: holder.stdout! }), 'line');
    const waiting = app.get(LockService).acquire('job', { waitTimeout: Infinity });
    while ((await inspector.getAll().prefix(`${prefix}job/`).count()) < 2) {
      await new Promise((r) => setTimeout(r, 5)); // the waiter's key is in another component's hands
    }
    const killedAt = performance.now();
    holder.kill('SIGKILL');
    const lock = await waiting;
    const recovery = performance.now() - killedAt;
    await lock.release();
    return recovery;
  } finally {
    holder.kill('SIGKILL');
    inspector.close();
    await app.close();
  }
}
