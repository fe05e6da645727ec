import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PREFIX } from '../options/lock-options.defaults.js';
import { printable } from '../options/printable-text.js';
import { type ConnectionFlags, UsageError } from './cli-connection.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Exit codes: 0 done, 1 it failed (etcd, or nothing to act on), 2 the command line was wrong. */
const FAILED = 1;
const USAGE = 2;

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

program
  .command('ls')
  .description('list every lock that has a holder or a waiter, then the @OncePerTick jobs')
  .option('--under <name-prefix>', 'only lock names that start with it', '')
  .option('--json', 'one JSON array (tokens as strings)')
  .option('--watch', 'print again on every change, until interrupted')
  .action(async (options: { under: string; json?: boolean; watch?: boolean }) =>
    (await import('./cli-commands.js')).ls(flags(), options),
  );

program
  .command('show <name>')
  .description("one lock's holders and waiters, in queue order")
  .option('--json', 'one JSON object (tokens as strings)')
  .action(async (name: string, options: { json?: boolean }) =>
    (await import('./cli-commands.js')).show(flags(), name, options),
  );

program
  .command('release <name>')
  .description("delete the holders' keys of a stuck lock: they are told, the next waiter gets in")
  .requiredOption('--force', 'required: the holder may still be running (fence its writes)')
  .option('--reason <text>', 'why, for the audit trail and the holder', 'released with the CLI')
  .action(async (name: string, options: { reason: string }) =>
    (await import('./cli-commands.js')).release(flags(), name, options),
  );

program
  .command('runs <job>')
  .description('the recorded runs of a @OncePerTick job, newest first, and its overdue ticks')
  .option('--json', 'one JSON object')
  .action(async (name: string, options: { json?: boolean }) =>
    (await import('./cli-commands.js')).runs(flags(), name, options),
  );

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
