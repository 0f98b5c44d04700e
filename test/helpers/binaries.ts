/**
 * Programs some tests need (Xvfb, Chromium, tmux, python3, script). Without CI a missing one skips
 * those tests with a printed reason; under CI it fails the suite with a sentence, since CI must
 * install everything the tests use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findExecutable } from '../../src/controllers/find-executable.js';
import { tempDir } from './temp.js';

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

/**
 * A PATH with every program of the given one but `names`: a directory of links to the rest, so a
 * test sees the machine as a fresh one without those programs (say xsel and xclip installed by hand).
 */
export function pathWithout(names: string[], searchPath = process.env.PATH ?? ''): string {
  const dir = tempDir('gagent-path-');
  const linked = new Set(names);
  for (const from of searchPath.split(path.delimiter).filter(Boolean)) {
    let entries: string[];
    try {
      entries = fs.readdirSync(from);
    } catch {
      continue;
    }
    for (const name of entries) {
      if (linked.has(name)) continue;
      linked.add(name);
      fs.symlinkSync(path.join(from, name), path.join(dir, name));
    }
  }
  return dir;
}
