import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(`./lib/${path}`, import.meta.url));

/** `npm test`: unit tests that need no etcd, then the suite against a real etcd. */
export default defineConfig({
  // README samples import the package by name; tests run them against the sources.
  resolve: {
    alias: [
      { find: /^nestjs-etcd-lock\/testing$/, replacement: source('testing/index.ts') },
      { find: /^nestjs-etcd-lock\/terminus$/, replacement: source('health/index.ts') },
      { find: /^nestjs-etcd-lock$/, replacement: source('index.ts') },
    ],
  },
  test: {
    pool: 'forks',
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.spec.ts'], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: 'etcd',
          include: ['test/**/*.spec.ts'],
          exclude: ['test/unit/**', 'test/faults/**', 'test/compat/**', '**/node_modules/**'],
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
