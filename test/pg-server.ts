/**
 * Global setup: one PostgreSQL server for the whole suite (see helpers/postgres.ts), its URL given
 * to the tests; stopped and removed at the end. Without the binaries the PostgreSQL tests are
 * skipped with a reason, except under CI, where that fails the suite.
 */
import type { TestProject } from 'vitest/node';
import { findPgBin, type PgServer, startPgServer } from './helpers/postgres.js';

let server: PgServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  const bin = findPgBin();
  if (!bin) {
    if (process.env.CI)
      throw new Error(
        'CI is set, and the PostgreSQL tests need initdb and pg_ctl (Debian: postgresql), which are not installed.',
      );
    console.log('skipping the PostgreSQL tests: initdb and pg_ctl are not installed');
    project.provide('pgUrl', '');
    return;
  }
  server = await startPgServer(bin);
  project.provide('pgUrl', server.url());
}

export function teardown(): void {
  server?.stop();
  server = null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's PostgreSQL server (its maintenance database), or '' when there is none. */
    pgUrl: string;
  }
}
