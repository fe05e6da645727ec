import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Etcd3 } from 'etcd3';
import {
  ETCD_LOCK_CLIENT,
  EtcdLockModule,
  LeaderService,
  type Leadership,
  type Lock,
  LockService,
  WithLock,
} from '../../lib/index.js';
import { now } from './critical-section.recorder.js';

/** Holds a lock for `ms` milliseconds of timer-driven work under `@WithLock`. */
@Injectable()
class SlowJob {
  @WithLock((key: string) => key)
  async run(_key: string, ms: number, entered: () => void): Promise<string> {
    entered();
    await sleep(ms);
    return 'done';
  }
}

type Command =
  | { op: 'acquire'; key: string | string[]; permits?: number }
  | { op: 'status' }
  | { op: 'fencedWrite'; key: string; value: string }
  | { op: 'release' }
  | { op: 'slowJob'; key: string; ms: number }
  | { op: 'campaign'; name: string; value: string }
  | { op: 'leaderStatus' }
  | { op: 'leaderFencedWrite'; key: string; value: string }
  | { op: 'close' }
  | { op: 'watchLoss' };

/**
 * A process that a fault test drives line by line over stdin/stdout (JSON), so the test can
 * kill or freeze it at a known point and then ask what it saw.
 */
async function main(): Promise<void> {
  const { ETCD_HOSTS, LOCK_PREFIX, TTL } = process.env;
  @Module({
    imports: [
      EtcdLockModule.forRoot({ hosts: ETCD_HOSTS, prefix: LOCK_PREFIX, ttl: Number(TTL ?? 2) }),
    ],
    providers: [SlowJob],
  })
  class FaultWorkerModule {}
  const app = await NestFactory.createApplicationContext(FaultWorkerModule, { logger: false });
  const locks = app.get(LockService);
  const client = app.get<Etcd3>(ETCD_LOCK_CLIENT);
  let lock: Lock | undefined;
  let leadership: Leadership | undefined;
  const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  reply({ ready: true, pid: process.pid });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    try {
      if (command.op === 'acquire') {
        const { key, permits } = command;
        lock = await locks.acquire(key, { waitTimeout: Infinity, permits });
        reply({ token: String(lock.fencingToken), etcdKey: lock.etcdKey });
      } else if (command.op === 'watchLoss') {
        // From now on the loss of the held lock is printed when it happens, on the shared
        // monotonic clock, so a test can order it against what other processes saw.
        const held = lock!;
        held.signal.addEventListener('abort', () =>
          reply({ lostAt: now(), reason: (held.signal.reason as Error).message }),
        );
        reply({ watching: true });
      } else if (command.op === 'status') {
        const reason = lock?.signal.reason as Error | undefined;
        reply({ aborted: lock?.signal.aborted, reason: reason?.name, held: lock?.held });
      } else if (command.op === 'fencedWrite') {
        const res = await lock!
          .ifHeld()
          .then(client.put(command.key).value(command.value))
          .commit();
        reply({ succeeded: res.succeeded });
      } else if (command.op === 'release') {
        await lock!.release();
        reply({ released: true });
      } else if (command.op === 'campaign') {
        leadership = await app.get(LeaderService).campaign(command.name, { value: command.value });
        reply({ term: String(leadership.term) });
      } else if (command.op === 'leaderStatus') {
        const reason = leadership?.signal.reason as Error | undefined;
        reply({
          aborted: leadership?.signal.aborted,
          reason: reason?.name,
          leads: leadership?.isLeader,
        });
      } else if (command.op === 'leaderFencedWrite') {
        const res = await leadership!
          .ifLeader()
          .then(client.put(command.key).value(command.value))
          .commit();
        reply({ succeeded: res.succeeded });
      } else if (command.op === 'close') {
        await app.close(); // graceful shutdown: resigns by revoking the lease
        reply({ closed: true });
        process.exit(0);
      } else if (command.op === 'slowJob') {
        const outcome = app
          .get(SlowJob)
          .run(command.key, command.ms, () => reply({ entered: true }))
          .then(
            (value) => ({ outcome: 'resolved', value }),
            (error: Error) => ({ outcome: 'rejected', error: error.name }),
          );
        reply(await outcome);
      }
    } catch (error) {
      reply({ error: (error as Error).name, message: (error as Error).message });
    }
  }
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
