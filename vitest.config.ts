import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(`./lib/${path}`, import.meta.url));

export default defineConfig({
  // README samples import the package by name; tests run them against the sources.
  resolve: {
    alias: [
      { find: /^nestjs-etcd-lock\/testing$/, replacement: source('testing/index.ts') },
      { find: /^nestjs-etcd-lock$/, replacement: source('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.spec.ts'],
    exclude: ['test/faults/**', 'test/compat/**', '**/node_modules/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
