import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdLockHealthIndicator } from '../../lib/health/index.js';
import { EtcdLockModule, LeaderService, LockService } from '../../lib/index.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { uniquePrefix } from '../support/lock-app.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly etcdLock: EtcdLockHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.etcdLock.isHealthy('etcd-lock', { timeout: 500 })]);
  }
}

interface HealthBody {
  status: string;
  info?: Record<string, Record<string, unknown>>;
  error?: Record<string, Record<string, unknown>>;
}

describe('EtcdLockHealthIndicator with @nestjs/terminus', () => {
  let etcd: EtcdInstance;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    etcd = await startEtcd(); // its own etcd: the test freezes it
    @Module({
      imports: [
        EtcdLockModule.forRoot({ hosts: etcd.endpoint, prefix: uniquePrefix('health'), ttl: 7 }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [EtcdLockHealthIndicator],
    })
    class HealthAppModule {}
    app = await NestFactory.create(HealthAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health`;
  });
  afterAll(async () => {
    process.kill(etcd.pid, 'SIGCONT');
    await app.close();
    await etcd.stop();
  });

  it('is up with held locks, waiters and each lease with its remaining TTL', async () => {
    const locks = app.get(LockService);
    const held = await locks.acquire('job');
    const waiting = locks.acquire('job');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthBody;
    const details = body.info!['etcd-lock']!;
    expect(details).toMatchObject({ status: 'up', held: 1, waiting: 1 });
    const [lease] = details.leases as { ttl: number; remainingMs: number }[];
    expect(lease!.ttl).toBe(7);
    expect(lease!.remainingMs).toBeGreaterThan(0);
    expect(lease!.remainingMs).toBeLessThanOrEqual(7000);
    await held.release();
    await (await waiting).release();
  });

  it('names the elections this process leads', async () => {
    const leadership = await app.get(LeaderService).campaign('reports');
    const body = (await (await fetch(url)).json()) as HealthBody;
    expect(body.info!['etcd-lock']).toMatchObject({ status: 'up', leading: ['reports'] });
    await leadership.resign();
    const after = (await (await fetch(url)).json()) as HealthBody;
    expect(after.info!['etcd-lock']).toMatchObject({ leading: [] });
  });

  it('is down with 503 when etcd does not answer in time', async () => {
    process.kill(etcd.pid, 'SIGSTOP');
    const res = await fetch(url);
    process.kill(etcd.pid, 'SIGCONT');
    expect(res.status).toBe(503);
    const body = (await res.json()) as HealthBody;
    expect(body.error!['etcd-lock']).toMatchObject({
      status: 'down',
      message: 'etcd unavailable', // the cause (host, port, auth) only with details: true
    });
  });
});
