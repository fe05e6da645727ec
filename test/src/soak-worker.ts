import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { NestFactory } from '@nestjs/core';
import { CriticalSectionRecorder } from './critical-section.recorder.js';
import { LedgerService } from './ledger.service.js';
import { TestAppModule } from './test-app.module.js';

/**
 * A soak worker: mixed locked work until it reads `stop` (then it shuts down cleanly) or is
 * killed. Streams every finished section, and its RSS every few seconds, as JSON lines.
 */
async function main(): Promise<void> {
  const env = process.env;
  const keys = (env.KEYS ?? 'a').split(',');
  const app = await NestFactory.createApplicationContext(
    TestAppModule.register({ prefix: env.LOCK_PREFIX, hosts: env.ETCD_HOSTS?.split(',') }),
    { logger: false },
  );
  const ledger = app.get(LedgerService);
  const recorded = app.get(CriticalSectionRecorder).sections;
  const emit = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const stop = new AbortController();
  createInterface({ input: process.stdin }).on('line', () => stop.abort());
  const rss = setInterval(() => emit({ rss: process.memoryUsage().rss }), 2_000);
  emit({ ready: true, rss: process.memoryUsage().rss });
  let flushed = 0;
  const flush = () => {
    while (flushed < recorded.length) emit({ section: recorded[flushed++] });
  };
  const caller = async (c: number) => {
    for (let i = 0; !stop.signal.aborted; i++) {
      const key = keys[Math.floor(Math.random() * keys.length)]!;
      const pick = (c + i) % 5;
      if (pick === 4) await ledger.nightlyJob();
      else if (pick % 2 === 0) await ledger.incrementDecorated(key);
      else await ledger.incrementWithService(key);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Number(env.CALLERS ?? 4) }, (_, c) => caller(c)));
  flush();
  clearInterval(rss);
  await app.close();
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
