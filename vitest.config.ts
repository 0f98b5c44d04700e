import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn the built binary and real servers; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    env: { GAGENT_DEBUG: '' },
  },
});
