/**
 * Global setup/teardown, two checks over the whole suite:
 * - every test secret contains the marker SECRET; no stdout or stderr of any gagent run may contain it;
 * - nothing the suite made is left in the temporary directory (test homes, browser profiles…).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const OUTPUTS = process.env.GAGENT_TEST_OUTPUTS as string;

const ours = () => new Set(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('gagent-')));
let before = new Set<string>();

export function setup(): void {
  fs.rmSync(OUTPUTS, { recursive: true, force: true });
  fs.mkdirSync(OUTPUTS, { recursive: true });
  before = ours();
}

function leftovers(): string[] {
  return [...ours()].filter((name) => !before.has(name));
}

export function teardown(): void {
  scanSecrets();
  const left = leftovers();
  if (left.length > 0) {
    process.stderr.write(
      `FAIL leftover scan: the suite left ${left.length} temporary directories: ${left.slice(0, 10).join(', ')}\n`,
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
