import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// The suite's own temporary directory (TMPDIR for every test and every program it starts), so the
// leftover scan sees only what the suite made, never what other processes put in the shared one.
// Traversable by others: the PostgreSQL server runs as its own user inside it.
if (!process.env.GAGENT_TEST_TMPDIR) {
  process.env.GAGENT_TEST_TMPDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'gagent-suite-'));
  fs.chmodSync(process.env.GAGENT_TEST_TMPDIR, 0o711);
  process.env.TMPDIR = process.env.GAGENT_TEST_TMPDIR;
}
// Shared by the workers (which record every gagent run's output) and the secret-scan teardown.
process.env.GAGENT_TEST_OUTPUTS ??= path.join(process.env.GAGENT_TEST_TMPDIR, 'test-outputs');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Teardowns run in reverse: PostgreSQL's directory is gone before the leftover scan.
    globalSetup: ['test/secret-scan.ts', 'test/pg-server.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn the built binary and real servers and mostly wait on them: three
    // files at a time keep two cores busy. Test files share a worker process (no isolation): each
    // file's state lives in its own temp homes and servers, and importing vitest and our modules
    // once per worker instead of once per file saves about a tenth of the suite's time.
    pool: 'forks',
    maxWorkers: 3,
    isolate: false,
    env: {
      GAGENT_DEBUG: '',
      GAGENT_TEST_OUTPUTS: process.env.GAGENT_TEST_OUTPUTS,
      TMPDIR: process.env.GAGENT_TEST_TMPDIR,
    },
  },
});
