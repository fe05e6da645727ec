import { defineConfig } from 'vitest/config';

/** `npm run test:compat`: installs the packed package into the apps under test/compat/apps. */
export default defineConfig({
  test: {
    include: ['test/compat/**/*.spec.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
