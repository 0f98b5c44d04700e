/**
 * Global setup/teardown: every test secret contains the marker SECRET; after the whole suite,
 * no stdout or stderr of any gagent run may contain it (DESIGN §9).
 */
import fs from 'node:fs';
import path from 'node:path';

export const OUTPUTS = process.env.GAGENT_TEST_OUTPUTS as string;

export function setup(): void {
  fs.rmSync(OUTPUTS, { recursive: true, force: true });
  fs.mkdirSync(OUTPUTS, { recursive: true });
}

export function teardown(): void {
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
