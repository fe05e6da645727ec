import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'build/readme-samples');

/** Every ```ts block of the README, as the file name it is checked under. */
function samples(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return new Map(blocks.map((code, i) => [`sample-${String(i + 1).padStart(2, '0')}.ts`, code]));
}

describe('README code samples', () => {
  const files = samples();
  beforeAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const [name, code] of files) writeFileSync(join(OUT, name), code);
  });

  it('type-check against the library, each as a module of its own', () => {
    expect(files.size).toBeGreaterThanOrEqual(11);
    const lib = (path: string) => [`../../lib/${path}`];
    const tsconfig = {
      extends: '../../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        rootDir: '../..',
        noUnusedLocals: false,
        noUnusedParameters: false,
        paths: {
          'nestjs-etcd-lock': lib('index.ts'),
          'nestjs-etcd-lock/testing': lib('testing/index.ts'),
          'nestjs-etcd-lock/terminus': lib('health/index.ts'),
        },
      },
      include: ['*.ts'],
    };
    writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    let output = '';
    try {
      execFileSync(tsc, ['-p', join(OUT, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output, 'tsc errors in README samples (see build/readme-samples)').toBe('');
  });

  it('the unit-test sample runs and shows contention and loss without etcd', async () => {
    const [name] = [...files].find(([, code]) => code.includes('jobSkipsWhileHeld'))!;
    const sample = (await import(join(OUT, name))) as { jobSkipsWhileHeld(): Promise<boolean> };
    await expect(sample.jobSkipsWhileHeld()).resolves.toBe(true);
  });
});
