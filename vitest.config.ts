import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Shared by the workers (which record every gagent run's output) and the secret-scan teardown.
process.env.GAGENT_TEST_OUTPUTS ??= path.join(os.tmpdir(), `gagent-test-outputs-${process.pid}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Teardowns run in reverse: PostgreSQL's directory is gone before the leftover scan.
    globalSetup: ['test/secret-scan.ts', 'test/pg-server.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn the built binary and real servers; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    env: { GAGENT_DEBUG: '', GAGENT_TEST_OUTPUTS: process.env.GAGENT_TEST_OUTPUTS },
  },
});
