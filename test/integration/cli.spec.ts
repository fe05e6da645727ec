import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JobsService, type Lock, LockLostError } from '../../lib/index.js';
import { NightlyReportJob } from '../src/nightly-report.job.js';
import { type EtcdInstance, startEtcd } from '../../tools/etcd/etcd-process.js';
import { enableAuth, etcdctlAt } from '../support/etcd-auth.js';
import { etcdHosts, uniquePrefix, useLockApp } from '../support/lock-app.js';

const etcdctl = inject('etcdctl');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The packed bin, run as a user runs it: `nestjs-etcd-lock <args>`. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/cli/main.js', ...args],
      { env: { ...withoutEtcdHosts(), ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

/** The test runner's own environment, minus what would point the CLI somewhere. */
function withoutEtcdHosts(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ETCD_HOSTS;
  return env;
}

describe('the nestjs-etcd-lock CLI', () => {
  const prefix = uniquePrefix('cli');
  const fx = useLockApp({ prefix });
  const connect = () => [`--endpoints=${etcdHosts()}`, `--prefix=${prefix}`];
  const held: Lock[] = [];
  afterAll(() => Promise.all(held.map((l) => l.release())));

  it('--help names every command and the etcdctl-style connection flags', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const word of ['ls', 'show', 'release', '--endpoints', '--prefix', '--user', '--cacert']) {
      expect(stdout).toContain(word);
    }
  });

  it('ls shows each lock with its holder, token and waiters, as a table or as JSON', async () => {
    const lock = await fx.locks.acquire('report');
    held.push(lock);
    const waiter = fx.locks.acquire('report', { waitTimeout: 30_000 });
    await expect.poll(async () => (await fx.locks.inspect('report')).waiters.length).toBe(1);
    const table = await cli(['ls', ...connect()]);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+HOLDER\s+TOKEN\s+AGE\s+TTL LEFT\s+WAITERS$/);
    expect(row).toMatch(
      new RegExp(`^report\\s+\\S+/${process.pid}\\s+${lock.fencingToken}\\s.*\\s1$`),
    );
    const json = await cli(['ls', '--json', ...connect()]);
    const [info] = JSON.parse(json.stdout) as { holders: { token: string }[] }[];
    expect(info!.holders[0]!.token).toBe(String(lock.fencingToken));
    await lock.release();
    held.push(await waiter);
  });

  it('runs <job> shows the same history as JobsService.runs(), as a table or as JSON, and ls lists the job', async () => {
    expect(await fx.app.get(NightlyReportJob).run()).toBe('report sent');
    const runs = await fx.app.get(JobsService).runs('nightly-report');
    const table = await cli(['runs', 'nightly-report', ...connect()]);
    expect(table.code).toBe(0);
    const [title, header, row] = table.stdout.trim().split('\n');
    expect(title).toMatch(/^job "nightly-report": 0 2 \* \* \* \(Europe\/Paris\); next tick /);
    expect(header).toMatch(/^TICK\s+OUTCOME\s+REPLICA\s+DURATION\s+ERROR$/);
    expect(row).toMatch(
      new RegExp(`^${new Date(runs[0]!.tick).toISOString()}\\s+ok\\s+\\S+/${process.pid}\\s`),
    );
    const json = await cli(['runs', 'nightly-report', '--json', ...connect()]);
    expect((JSON.parse(json.stdout) as { runs: unknown }).runs).toEqual(runs);
    const ls = await cli(['ls', ...connect()]);
    const jobs = ls.stdout.slice(ls.stdout.indexOf('\nJOB'));
    expect(jobs).toMatch(
      /\nJOB\s+LAST TICK\s+OUTCOME\s+NEXT TICK\s+MISSED\nnightly-report\s+\S+\s+ok\s+\S+\s+0\n?$/,
    );
    const none = await cli(['runs', 'no-such-job', ...connect()]);
    expect([none.code, none.stderr.trim()]).toEqual([
      1,
      `nestjs-etcd-lock: no job named "no-such-job" has run under "${prefix}"`,
    ]);
  });

  it('never prints a control character that another client wrote into a key or value', async () => {
    const { ID } = await fx.etcd.leaseClient.leaseGrant({ TTL: 30, ID: 0 });
    const key = `${prefix}ev\u001b]0;owned\u0007il/${BigInt(ID).toString(16)}`;
    await fx.etcd.put(key).value('\u001b[2J\nforged line').lease(ID).exec();
    try {
      // `show` refuses such a name (it could not be ours), `ls` lists it escaped.
      for (const args of [['ls'], ['show', 'ev\u001b]0;owned\u0007il']]) {
        const run = await cli([...args, ...connect()]);
        // oxlint-disable-next-line no-control-regex -- finding control characters is the point
        expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }
      expect((await cli(['ls', ...connect()])).stdout).toContain('ev\\x1b]0;owned\\x07il');
    } finally {
      await fx.etcd.leaseClient.leaseRevoke({ ID });
    }
  });

  it('show lists holders then waiters; an unknown name is one line on stderr and exit 1', async () => {
    const shown = await cli(['show', 'report', ...connect()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^ROLE\s+OWNER/);
    expect(shown.stdout).toContain('holder');
    const unknown = await cli(['show', 'nothing-here', ...connect()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      `nestjs-etcd-lock: no lock named "nothing-here" has entries under "${prefix}"`,
    ]);
  });

  it('release --force frees a stuck lock: the holder is told the reason, the waiter gets in', async () => {
    const stuck = await fx.locks.acquire('stuck');
    const waiter = fx.locks.acquire('stuck', { waitTimeout: 30_000 });
    const run = await cli(['release', 'stuck', '--force', '--reason', 'hung job', ...connect()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`token ${stuck.fencingToken}`);
    if (!stuck.signal.aborted) await once(stuck.signal, 'abort');
    expect((stuck.signal.reason as LockLostError).reason).toBe('released by an operator: hung job');
    held.push(await waiter);
  });

  it('refuses release without --force, and bad flags, with exit 2', async () => {
    expect((await cli(['release', 'stuck', ...connect()])).code).toBe(2);
    expect((await cli(['ls', '--bogus', ...connect()])).code).toBe(2);
    const timeout = await cli(['ls', '--dial-timeout', 'soon', ...connect()]);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--dial-timeout');
  });

  it('fails fast on a dead endpoint: one line naming the cause, exit 1', async () => {
    const started = performance.now();
    const run = await cli(['ls', '--endpoints=127.0.0.1:1']);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  it('ls --watch prints again when a lock is taken', async () => {
    const child = spawn(process.execPath, [
      'dist/cli/main.js',
      'ls',
      '--watch',
      '--json',
      ...connect(),
    ]);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    await lines.next(); // the list now
    const lock = await fx.locks.acquire('watched');
    for (;;) {
      const { value } = await lines.next();
      const names = (JSON.parse(value as string) as { name: string }[]).map((l) => l.name);
      if (names.includes('watched')) break;
    }
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await lock.release();
  });

  it("shows an etcdctl lock holder as another client's entry", async () => {
    const child = spawn(etcdctl, [`--endpoints=http://${etcdHosts()}`, 'lock', `${prefix}shared`], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    const run = await cli(['show', 'shared', '--json', ...connect()]);
    const info = JSON.parse(run.stdout) as { holders: { owner: string | null }[] };
    expect(info.holders).toHaveLength(1);
    expect(info.holders[0]!.owner).toBeNull();
    child.kill('SIGINT');
    await once(child, 'exit');
  });
});

describe('the CLI against an etcd with authentication', () => {
  let etcd: EtcdInstance;
  beforeAll(async () => {
    etcd = await startEtcd(); // its own etcd: auth on the shared one would break other tests
    enableAuth(etcdctlAt(etcd.endpoint), [
      { user: 'ops', password: 'ops-pw', permission: 'read', prefix: 'nestjs-lock/' },
    ]);
  });
  afterAll(() => etcd?.stop());

  it('lists with the right password, from --user or ETCDCTL_PASSWORD', async () => {
    const inline = await cli(['ls', `--endpoints=${etcd.endpoint}`, '--user', 'ops:ops-pw']);
    expect(inline.code).toBe(0);
    const fromEnv = await cli(['ls', `--endpoints=${etcd.endpoint}`, '--user', 'ops'], {
      ETCDCTL_PASSWORD: 'ops-pw',
    });
    expect(fromEnv.code).toBe(0);
  });

  it('says a wrong password in one line and exits 1, without a stack trace', async () => {
    const run = await cli(['ls', `--endpoints=${etcd.endpoint}`, '--user', 'ops:wrong']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/auth/i);
  });
});
