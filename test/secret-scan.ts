/**
 * Global setup/teardown, two checks over the whole suite:
 * - every test secret contains the marker SECRET; no stdout or stderr of any gagent run may contain it;
 * - nothing is left in the suite's own temporary directory (test homes, browser profiles…).
 */
import fs from 'node:fs';
import path from 'node:path';

export const OUTPUTS = process.env.GAGENT_TEST_OUTPUTS as string;
/** The suite's own temporary directory (vitest.config.ts): everything in it was made by the suite. */
const SUITE_TMP = process.env.GAGENT_TEST_TMPDIR as string;

const entries = () => new Set(fs.existsSync(SUITE_TMP) ? fs.readdirSync(SUITE_TMP) : []);
let before = new Set<string>();

export function setup(): void {
  fs.rmSync(OUTPUTS, { recursive: true, force: true });
  fs.mkdirSync(OUTPUTS, { recursive: true });
  before = entries();
}

/** Kept on purpose: Node's compile cache, which the launcher turns on (in the temporary directory). */
const CACHES = new Set(['node-compile-cache']);

function leftovers(): string[] {
  return [...entries()].filter((name) => !before.has(name) && !CACHES.has(name));
}

export function teardown(): void {
  scanSecrets();
  const left = leftovers();
  fs.rmSync(SUITE_TMP, { recursive: true, force: true });
  if (left.length > 0) {
    process.stderr.write(
      `FAIL leftover scan: the suite left ${left.length} temporary files or directories: ${left.slice(0, 10).join(', ')}\n`,
    );
    process.exitCode = 1;
  }
}

function scanSecrets(): void {
  const files = fs.existsSync(OUTPUTS) ? fs.readdirSync(OUTPUTS) : [];
  const leaks: string[] = [];
  let runs = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(OUTPUTS, file), 'utf8');
    runs += text.split('\n$ gagent ').length;
    for (const line of text.split('\n')) if (line.includes('SECRET')) leaks.push(line.slice(0, 200));
  }
  fs.rmSync(OUTPUTS, { recursive: true, force: true });
  if (leaks.length > 0) {
    // A throw here is only logged by vitest; the exit code is what CI sees.
    process.stderr.write(`FAIL secret scan: secrets appeared in gagent output:\n${leaks.join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  if (files.length > 0) process.stdout.write(`secret scan: ${runs} gagent runs, no secret in any output\n`);
}
