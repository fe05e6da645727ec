import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';
import { npm, packInto, ROOT } from '../support/packed-package.js';

const APPS = ['cjs-nest11', 'esm-nest12'];
/** Node binaries to run each app on: `COMPAT_NODES` (comma-separated paths), else this one. */
const NODES = (process.env.COMPAT_NODES ?? process.execPath).split(',').filter(Boolean);
const versionOf = (node: string) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

describe.each(APPS)('the packed package in a fresh %s app', (name) => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), `compat-${name}-`));
    tarball = packInto(work);
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

  it("names the library's .ts files and lines in a lock error's stack and the shutdown warning", () => {
    const out = execFileSync(process.execPath, ['--enable-source-maps', 'dist/source-maps.js'], {
      cwd: join(work, name),
      encoding: 'utf8',
      env: { ...process.env, ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: uniquePrefix(`${name}-maps`) },
    });
    const { stack, warning } = JSON.parse(out) as { stack: string; warning: string };
    expect(stack).toMatch(/^LockTimeoutError: /);
    expect(stack).toMatch(/node_modules\/nestjs-etcd-lock\/lib\/[\w/.-]+\.ts:\d+:\d+/);
    expect(stack).not.toContain('nestjs-etcd-lock/dist/');
    // "acquired at" names the caller's own line, mapped by the app's source maps.
    expect(warning).toMatch(/acquired at main \(.*src\/source-maps\.ts:\d+:\d+\)/);
  });
});
