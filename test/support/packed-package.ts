import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Runs npm quietly in `cwd`; its output is returned, and a failure throws with it. */
export const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** `npm pack` of this repository into `dir`, as a user would install it: the tarball's path. */
export function packInto(dir: string): string {
  npm(['pack', '--pack-destination', dir], ROOT);
  return join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
  );
}

/** The tsconfig of a user's ESM app with Nest's decorator settings, plus `compilerOptions`. */
export function userAppTsconfig(compilerOptions: Record<string, unknown>): object {
  return {
    compilerOptions: {
      target: 'es2022',
      module: 'nodenext',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      types: ['node'],
      ...compilerOptions,
    },
    include: ['src'],
  };
}
