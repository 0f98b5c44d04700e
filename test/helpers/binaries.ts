/**
 * Programs some tests need (Xvfb, Chromium, tmux, python3, script). Without CI a missing one skips
 * those tests with a printed reason; under CI it fails the suite with a sentence, since CI must
 * install everything the tests use.
 */
import { findExecutable } from '../../src/controllers/find-executable.js';

export function missingBinaries(names: string[]): string[] {
  return names.filter((n) => !findExecutable([n], process.env.PATH ?? ''));
}

/** True when the tests must be skipped because `names` are missing (never under CI: then it throws). */
export function unavailable(names: string[], what: string): boolean {
  const missing = missingBinaries(names);
  if (missing.length === 0) return false;
  if (process.env.CI) {
    throw new Error(
      `CI is set, and ${what} need ${missing.join(', ')}, which is not installed (.ci/run installs it).`,
    );
  }
  console.log(`skipping ${what}: missing ${missing.join(', ')}`);
  return true;
}
