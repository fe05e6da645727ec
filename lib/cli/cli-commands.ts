import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdLockModule } from '../etcd-lock.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { LockService } from '../lock.service.js';
import { printable } from '../options/printable-text.js';
import { type ConnectionFlags, connectionOptions } from './cli-connection.js';
import { entryTable, jobTable, lockTable, runTable, toJson } from './cli-output.js';

/**
 * What each command does, loaded only when one runs: Nest and etcd3 are most of the CLI's
 * start-up time, and `--help`, `--version` or a usage error need neither.
 */

/** Exit code 1: it failed (etcd, or nothing to act on). */
export const FAILED = 1;

/** Nothing to show or release: a failure, but not of the command line. */
export class NothingThere extends Error {}

const print = (text: string) => process.stdout.write(`${text}\n`);

async function withLocks<T>(
  flags: ConnectionFlags,
  use: (locks: LockService, jobs: JobsService) => Promise<T>,
) {
  const options = connectionOptions(flags);
  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    EtcdLockModule.forRoot(options),
    { logger: false, abortOnError: false },
  );
  try {
    return await use(app.get(LockService), app.get(JobsService));
  } finally {
    await app.close();
  }
}

/** `ls`. */
export async function ls(
  flags: ConnectionFlags,
  options: { under: string; json?: boolean; watch?: boolean },
): Promise<void> {
  const render = (locks: Parameters<typeof lockTable>[0]) =>
    options.json ? toJson([...locks]) : lockTable(locks);
  await withLocks(flags, async (locks, jobs) => {
    if (!options.watch) {
      print(render(await locks.list({ prefix: options.under })));
      const found = options.json ? [] : await jobs.list();
      const shown = found.filter((job) => job.name.startsWith(options.under));
      return shown.length ? print(`\n${jobTable(shown)}`) : undefined;
    }
    await new Promise<void>((resolve, reject) => {
      const clear = process.stdout.isTTY && !options.json ? '\x1b[2J\x1b[H' : '';
      const sub = locks.watch({ prefix: options.under }).subscribe({
        next: (list) => print(`${clear}${render(list)}${clear || options.json ? '' : '\n'}`),
        error: reject,
      });
      process.once('SIGINT', () => (sub.unsubscribe(), resolve()));
      process.once('SIGTERM', () => (sub.unsubscribe(), resolve()));
    });
  });
}

/** `show`. */
export async function show(
  flags: ConnectionFlags,
  name: string,
  options: { json?: boolean },
): Promise<void> {
  await withLocks(flags, async (locks) => {
    const info = await locks.inspect(name);
    if (!info.holders.length && !info.waiters.length) {
      throw new NothingThere(`no lock named "${name}" has entries under "${flags.prefix}"`);
    }
    print(options.json ? toJson(info) : entryTable(info));
  });
}

/** `release`. */
export async function release(
  flags: ConnectionFlags,
  name: string,
  options: { reason: string },
): Promise<void> {
  await withLocks(flags, async (locks) => {
    const released = await locks.forceRelease(name, { reason: options.reason });
    if (!released.length) throw new NothingThere(`lock "${name}" has no holder to release`);
    for (const e of released)
      print(printable(`released "${name}": token ${e.token}, ${e.owner ?? 'other client'}`));
  });
}

/** `runs`. */
export async function runs(
  flags: ConnectionFlags,
  name: string,
  options: { json?: boolean },
): Promise<void> {
  await withLocks(flags, async (_locks, jobs) => {
    const job = await jobs.status(name);
    if (!job) throw new NothingThere(`no job named "${name}" has run under "${flags.prefix}"`);
    print(options.json ? toJson(job) : runTable(job));
    // An overdue tick is a failure an operator's script should see, not only read.
    if (job.overdue > 0) process.exitCode = FAILED;
  });
}
