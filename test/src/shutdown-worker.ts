import 'reflect-metadata';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule, LockService, WithLock } from '../../lib/index.js';

const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const finish = new AbortController();
const stop = new AbortController();

/** A locked job that runs until the test says `finish`, reporting SIGTERM and lock loss. */
@Injectable()
class DrainJob {
  constructor(private readonly locks: LockService) {}

  @WithLock('drain-job')
  async run(): Promise<string> {
    const lock = this.locks.current('drain-job')!;
    lock.signal.addEventListener('abort', () =>
      reply({ aborted: (lock.signal.reason as Error).name }),
    );
    process.once('SIGTERM', () => reply({ sigterm: true }));
    reply({ entered: true });
    await once(finish.signal, 'abort');
    reply({ finished: true });
    return 'finished';
  }
}

/**
 * A replica with `enableShutdownHooks()`: `{"op":"run"}` starts the job, `{"op":"finish"}` ends
 * it, `{"op":"churn","count":n}` runs n loops taking and releasing `churn`, `{"op":"close"}`
 * stops them (acquisitions are in flight) and closes the app at once; the process should exit.
 */
async function main(): Promise<void> {
  const { ETCD_HOSTS, LOCK_PREFIX, SHUTDOWN_TIMEOUT, TTL } = process.env;
  @Module({
    imports: [
      EtcdLockModule.forRoot({
        hosts: ETCD_HOSTS,
        prefix: LOCK_PREFIX,
        ttl: Number(TTL ?? 30),
        shutdownTimeout: Number(SHUTDOWN_TIMEOUT),
      }),
    ],
    providers: [DrainJob],
  })
  class ShutdownWorkerModule {}
  const app = await NestFactory.createApplicationContext(ShutdownWorkerModule, { logger: false });
  app.enableShutdownHooks();
  reply({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    const { op, count } = JSON.parse(line) as {
      op: 'run' | 'finish' | 'churn' | 'close';
      count?: number;
    };
    if (op === 'churn') {
      const locks = app.get(LockService);
      let acquired = 0;
      locks.events$.subscribe((e) => {
        if (e.kind === 'lock.acquired' && ++acquired === 50) reply({ churning: true });
      });
      const loop = async () => {
        for (;;) {
          const lock = await locks.acquire('churn', { waitTimeout: 60_000, signal: stop.signal });
          await lock.release();
        }
      };
      for (let i = 0; i < count!; i++) loop().catch(() => undefined);
    } else if (op === 'close') {
      stop.abort();
      await app.close();
      reply({ closed: true });
      process.stdin.destroy();
      return;
    } else if (op === 'run')
      void app
        .get(DrainJob)
        .run()
        .catch(() => undefined);
    else finish.abort();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
