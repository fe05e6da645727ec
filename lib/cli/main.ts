#!/usr/bin/env node
import 'reflect-metadata';
import { createRequire } from 'node:module';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError, Option } from 'commander';
import { EtcdLockModule } from '../etcd-lock.module.js';
import { JobsService } from '../jobs/jobs.service.js';
import { LockService } from '../lock.service.js';
import { DEFAULT_HOST, DEFAULT_PREFIX } from '../options/lock-options.defaults.js';
import { type ConnectionFlags, connectionOptions, UsageError } from './cli-connection.js';
import { entryTable, jobTable, lockTable, runTable, toJson } from './cli-output.js';
import { printable } from '../options/printable-text.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Exit codes: 0 done, 1 it failed (etcd, or nothing to act on), 2 the command line was wrong. */
const FAILED = 1;
const USAGE = 2;

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

const program = new Command('nestjs-etcd-lock')
  .description(
    'See and steer the locks that nestjs-etcd-lock keeps in etcd: who holds what, since when, ' +
      'who waits, and force-release a stuck one.',
  )
  .version(version)
  .addOption(
    new Option('--endpoints <hosts>', 'etcd members, comma-separated host:port')
      .env('ETCD_HOSTS')
      .default(DEFAULT_HOST),
  )
  .option('--prefix <prefix>', "the module's prefix, as in EtcdLockModule.forRoot", DEFAULT_PREFIX)
  .option('--user <name[:password]>', 'etcd user, with its password after a colon or in --password')
  .addOption(new Option('--password <password>', 'etcd password').env('ETCDCTL_PASSWORD'))
  .option('--cacert <file>', 'CA bundle to verify the members (turns TLS on)')
  .option('--cert <file>', 'client certificate, for client-certificate auth')
  .option('--key <file>', 'private key of --cert')
  .option('--dial-timeout <ms>', 'how long one request may go unanswered', '3000')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const flags = () => program.opts<ConnectionFlags>();
const print = (text: string) => process.stdout.write(`${text}\n`);

program
  .command('ls')
  .description('list every lock that has a holder or a waiter, then the @OncePerTick jobs')
  .option('--under <name-prefix>', 'only lock names that start with it', '')
  .option('--json', 'one JSON array (tokens as strings)')
  .option('--watch', 'print again on every change, until interrupted')
  .action(async (options: { under: string; json?: boolean; watch?: boolean }) => {
    const render = (locks: Parameters<typeof lockTable>[0]) =>
      options.json ? toJson([...locks]) : lockTable(locks);
    await withLocks(flags(), async (locks, jobs) => {
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
  });

program
  .command('show <name>')
  .description("one lock's holders and waiters, in queue order")
  .option('--json', 'one JSON object (tokens as strings)')
  .action(async (name: string, options: { json?: boolean }) => {
    await withLocks(flags(), async (locks) => {
      const info = await locks.inspect(name);
      if (!info.holders.length && !info.waiters.length) {
        throw new NothingThere(`no lock named "${name}" has entries under "${flags().prefix}"`);
      }
      print(options.json ? toJson(info) : entryTable(info));
    });
  });

program
  .command('release <name>')
  .description("delete the holders' keys of a stuck lock: they are told, the next waiter gets in")
  .requiredOption('--force', 'required: the holder may still be running (fence its writes)')
  .option('--reason <text>', 'why, for the audit trail and the holder', 'released with the CLI')
  .action(async (name: string, options: { reason: string }) => {
    await withLocks(flags(), async (locks) => {
      const released = await locks.forceRelease(name, { reason: options.reason });
      if (!released.length) throw new NothingThere(`lock "${name}" has no holder to release`);
      for (const e of released)
        print(printable(`released "${name}": token ${e.token}, ${e.owner ?? 'other client'}`));
    });
  });

program
  .command('runs <job>')
  .description('the recorded runs of a @OncePerTick job, newest first, and its overdue ticks')
  .option('--json', 'one JSON object')
  .action(async (name: string, options: { json?: boolean }) => {
    await withLocks(flags(), async (_locks, jobs) => {
      const job = await jobs.status(name);
      if (!job) throw new NothingThere(`no job named "${name}" has run under "${flags().prefix}"`);
      print(options.json ? toJson(job) : runTable(job));
      // An overdue tick is a failure an operator's script should see, not only read.
      if (job.overdue > 0) process.exitCode = FAILED;
    });
  });

/** Nothing to show or release: a failure, but not of the command line. */
class NothingThere extends Error {}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Help and version are not failures; commander has already printed its message.
    const fine = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    process.exitCode = fine || error.exitCode === 0 ? 0 : USAGE;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`nestjs-etcd-lock: ${printable(message)}\n`);
  process.exitCode = error instanceof UsageError ? USAGE : FAILED;
});
