import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/etcd/free-port.js';
import { etcdHosts } from '../support/lock-app.js';
import { ROOT, userAppTsconfig } from '../support/packed-package.js';
import { codeBlocks } from '../support/readme.js';

/** The quick start's own app, built where `nestjs-etcd-lock` resolves to this package's dist/. */
const APP = join(ROOT, 'build/quick-start');
const blocks = codeBlocks('README.md', '## Quick start');
const [start, send] = blocks.filter((b) => b.lang === 'bash').map((b) => b.code);

describe('the README quick start, run as written', () => {
  const replicas: ChildProcess[] = [];
  let ports: [string, string];
  /** The README's ports, replaced by free ones: CI machines may use 3000. */
  const onFreePorts = (command: string) =>
    command.replaceAll('3000', ports[0]).replaceAll('3001', ports[1]);

  beforeAll(async () => {
    ports = [String(await freePort()), String(await freePort())];
    rmSync(APP, { recursive: true, force: true });
    mkdirSync(join(APP, 'src'), { recursive: true });
    for (const block of blocks.filter((b) => b.file)) {
      writeFileSync(join(APP, block.file!), block.code);
    }
    const tsconfig = userAppTsconfig({ skipLibCheck: true, rootDir: 'src', outDir: 'dist' });
    writeFileSync(join(APP, 'tsconfig.json'), JSON.stringify(tsconfig));
    // `npm run build` of a Nest app: here, the library's build, then the app's.
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT });
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: APP });
    // Each replica command of the README, with its own ports, until it listens.
    for (const line of start!.split('\n').filter((l) => l.startsWith('PORT='))) {
      const [env, ...command] = onFreePorts(line.replace(/ &$/, '')).split(' ');
      const replica = spawn(command[0]!, command.slice(1), {
        cwd: APP,
        env: { ...process.env, [env!.split('=')[0]!]: env!.split('=')[1], ETCD_HOSTS: etcdHosts() },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      replicas.push(replica);
      let out = '';
      await new Promise<void>((resolve, reject) => {
        replica.once('exit', (code) => reject(new Error(`replica exited (${code}): ${out}`)));
        replica.stdout!.on('data', (chunk) => {
          out += String(chunk);
          if (/Nest application successfully started/.test(out)) resolve();
        });
      });
    }
  }, 120_000);
  afterAll(async () => {
    for (const replica of replicas) {
      replica.kill('SIGTERM');
      if (replica.exitCode === null) await once(replica, 'exit');
    }
  });

  it('queues four requests to two replicas one after another, each reaching the lock in turn', () => {
    expect(replicas).toHaveLength(2);
    const out = execFileSync('bash', ['-c', onFreePorts(send!)], { encoding: 'utf8' });
    process.stdout.write(out);
    const runs = out
      .trim()
      .split('\n')
      .map((line) => /^seat 7 on port (\d+): (\S+) to (\S+)$/.exec(line)!)
      .map(([, port, from, to]) => ({
        port,
        from: Date.parse(`1970-01-01T${from}Z`),
        to: Date.parse(`1970-01-01T${to}Z`),
      }))
      .sort((a, b) => a.from - b.from);
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.port))).toEqual(new Set(ports));
    // No two overlap: each began after the one before it ended.
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.from).toBeGreaterThanOrEqual(runs[i - 1]!.to);
  }, 60_000);
});
