import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const APPS = ['cjs-nest11', 'esm-nest12'];
/** Node binaries to run each app on: `COMPAT_NODES` (comma-separated paths), else this one. */
const NODES = (process.env.COMPAT_NODES ?? process.execPath).split(',').filter(Boolean);
const versionOf = (node: string) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe.each(APPS)('the packed package in a fresh %s app', (name) => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), `compat-${name}-`));
    npm(['pack', '--pack-destination', work], ROOT);
    tarball = join(
      work,
      readdirSync(work).find((f) => f.endsWith('.tgz'))!,
    );
    const app = join(work, name);
    cpSync(join(ROOT, 'test/compat/apps', name), app, { recursive: true });
    cpSync(join(ROOT, 'test/compat/shared-src'), join(app, 'src'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    manifest.dependencies['nestjs-etcd-lock'] = `file:${tarball}`;
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    npm(['install'], app);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('builds with the generated tsconfig', () => {
    expect(() => npm(['run', 'build'], join(work, name))).not.toThrow();
  });

  it.each(NODES.map((node) => [versionOf(node), node]))(
    'passes the smoke checks against etcd on Node %s',
    (_version, node) => {
      const out = execFileSync(node, ['dist/smoke.js'], {
        cwd: join(work, name),
        encoding: 'utf8',
        env: { ...process.env, ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: uniquePrefix(name) },
      });
      expect(JSON.parse(out)).toEqual({
        routeExclusive: true,
        serviceSkip: true,
        forRootAsyncWithConfigService: true,
        filterMapsBusy: true,
        testingModuleSkips: true,
      });
    },
  );
});
