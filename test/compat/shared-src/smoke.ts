import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { LockService } from 'nestjs-etcd-lock';
import { EtcdLockTestingModule } from 'nestjs-etcd-lock/testing';
import { AppModule } from './app.module.js';
import { AppService } from './app.service.js';

/** Boots the app against a real etcd and prints one JSON line of named checks. */
async function smoke(): Promise<Record<string, unknown>> {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const locks = app.get(LockService);
  const service = app.get(AppService);

  const replies = await Promise.all(
    Array.from({ length: 8 }, () => fetch(`${url}/seats/reserve`, { method: 'POST' })),
  );
  const bodies = (await Promise.all(replies.map((r) => r.json()))) as {
    seat: number;
    token: string;
  }[];
  const bySeat = [...bodies].sort((a, b) => a.seat - b.seat);
  const routeExclusive =
    replies.every((r) => r.status === 201) &&
    bySeat.map((b) => b.seat).join() === '1,2,3,4,5,6,7,8' &&
    bySeat.every((b, i) => i === 0 || BigInt(b.token) > BigInt(bySeat[i - 1]!.token));

  const held = await locks.acquire('report');
  const skippedWhileHeld = (await service.report()) === undefined;
  const configPrefix = held.etcdKey.startsWith(`${process.env.LOCK_PREFIX}report/`);
  await held.release();
  const ranWhenFree = (await service.report()) === 'ran';

  const seat = await locks.acquire('seat:9');
  const busy = await fetch(`${url}/seats/9/hold`, { method: 'POST' });
  const filterMapsBusy = busy.status === 423 && busy.headers.get('retry-after') === '1';
  await seat.release();
  await app.close();

  const testing = await Test.createTestingModule({
    imports: [EtcdLockTestingModule.forRoot()],
    providers: [AppService],
  }).compile();
  await testing.init();
  const memoryLocks = testing.get(LockService);
  const memoryHeld = await memoryLocks.acquire('report');
  const testingModuleSkips = (await testing.get(AppService).report()) === undefined;
  await memoryHeld.release();
  await testing.close();

  return {
    routeExclusive,
    serviceSkip: skippedWhileHeld && ranWhenFree,
    forRootAsyncWithConfigService: configPrefix,
    filterMapsBusy,
    testingModuleSkips,
  };
}

smoke().then(
  (checks) => process.stdout.write(`${JSON.stringify(checks)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
