import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm, packInto, ROOT, userAppTsconfig } from '../support/packed-package.js';
import { codeBlocks } from '../support/readme.js';

/** The README section whose recipes must compile without etcd3 in reach. */
const FENCED = '### Fenced writes: safe even when a holder pauses past its lease';

const PNPM = join(ROOT, 'node_modules/.bin/pnpm');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const devVersion = (name: string): string =>
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies[name];

const TSCONFIG = userAppTsconfig({ skipLibCheck: false, noEmit: true });

describe("the packed package under pnpm's strict layout", () => {
  let work: string;
  let app: string;
  /** tsc's report: empty when the sources compile. */
  const tsc = (): string => {
    try {
      return execFileSync(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], {
        cwd: app,
        encoding: 'utf8',
      });
    } catch (error) {
      return String((error as { stdout?: string }).stdout) || String(error);
    }
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'compat-pnpm-'));
    app = join(work, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    const dependencies: Record<string, string> = { 'nestjs-etcd-lock': `file:${packInto(work)}` };
    for (const name of ['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs', 'typeorm'])
      dependencies[name] = devVersion(name);
    const devDependencies = { typescript: '^5.9.0', '@types/node': devVersion('@types/node') };
    const manifest = {
      name: 'pnpm-app',
      private: true,
      type: 'module',
      dependencies,
      devDependencies,
    };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    execFileSync(
      PNPM,
      ['install', '--config.strict-peer-dependencies=false', '--reporter=silent'],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('compiles the README fenced-write recipes', () => {
    const samples = codeBlocks('README.md', FENCED)
      .filter((block) => block.lang === 'ts')
      .map((block) => block.code);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    rmSync(join(app, 'src'), { recursive: true, force: true });
    mkdirSync(join(app, 'src'));
    samples.forEach((code, i) => writeFileSync(join(app, `src/fenced-${i}.ts`), code));
    expect(tsc()).toBe('');
  });

  it('refuses an import of etcd3 itself, which only npm hoisting would allow (the control)', () => {
    rmSync(join(app, 'src'), { recursive: true, force: true });
    mkdirSync(join(app, 'src'));
    writeFileSync(
      join(app, 'src/direct.ts'),
      "import type { Etcd3 } from 'etcd3';\nexport type C = Etcd3;\n",
    );
    expect(tsc()).toMatch(/Cannot find module 'etcd3'/);
  });
});

describe('the packed package', () => {
  it('holds every file the README links to, so links work in node_modules', () => {
    const listing = JSON.parse(npm(['pack', '--dry-run', '--json'], ROOT)) as {
      files: { path: string }[];
    }[];
    const packed = new Set(listing[0]!.files.map((file) => file.path));
    const targets = [...README.matchAll(/\]\(((?!https?:|#)[^)#\s]+)/g)].map((m) => m[1]!);
    expect(targets.length).toBeGreaterThan(10);
    const missing = targets.filter(
      (target) => !packed.has(target) && ![...packed].some((path) => path.startsWith(target)),
    );
    expect(missing).toEqual([]);
  });
});
