import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: crash, pause, failover and partition scenarios against real etcd. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.spec.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
