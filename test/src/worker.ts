import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { NestFactory } from '@nestjs/core';
import { CriticalSectionRecorder } from './critical-section.recorder.js';
import { LedgerService } from './ledger.service.js';
import { TestAppModule } from './test-app.module.js';

/**
 * A worker process for contention tests. Prints `ready`, waits for `go` on stdin so that all
 * workers start together, runs its callers, then prints one JSON line with its sections.
 */
async function main(): Promise<void> {
  const env = process.env;
  const keys = (env.KEYS ?? 'a').split(',');
  const callers = Number(env.CALLERS ?? 4);
  const iterations = Number(env.ITERATIONS ?? 5);
  const mode = env.MODE ?? 'locked';
  const locked = mode !== 'unlocked';
  const app = await NestFactory.createApplicationContext(
    TestAppModule.register({ prefix: env.LOCK_PREFIX, hosts: env.ETCD_HOSTS?.split(',') }),
    { logger: false },
  );
  const ledger = app.get(LedgerService);
  process.stdout.write('ready\n');
  const input = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => input.once('line', () => resolve()));
  input.close();
  process.stdin.destroy();
  const caller = async (c: number) => {
    for (let i = 0; i < iterations; i++) {
      const key = keys[(c + i) % keys.length]!;
      if (mode === 'multi') await ledger.incrementMany(randomSubset(keys));
      else if (mode === 'semaphore') await ledger.holdPermit(key, 5);
      else if (!locked) await ledger.incrementUnlocked(key);
      else if ((c + i) % 2 === 0) await ledger.incrementDecorated(key);
      else await ledger.incrementWithService(key);
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, c) => caller(c)));
  const sections = app.get(CriticalSectionRecorder).sections;
  process.stdout.write(`${JSON.stringify({ pid: process.pid, sections })}\n`);
  await app.close();
}

/** A random, non-empty subset of `keys`, in random order. */
function randomSubset(keys: readonly string[]): string[] {
  const shuffled = [...keys].sort(() => Math.random() - 0.5);
  return shuffled.slice(0, 1 + Math.floor(Math.random() * keys.length));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
