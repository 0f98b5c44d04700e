/**
 * Runs the built gagent on a real pseudo-terminal (util-linux `script`), so its human output and
 * its exit code are what a person at a terminal gets. The output is the raw bytes the terminal
 * received, escape sequences included.
 */
import { spawn } from 'node:child_process';
import { BIN } from './cli.js';
import { missingBinaries } from './xvfb.js';

export const missingTerminal = missingBinaries(['script']);

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

export interface TerminalResult {
  code: number | null;
  /** Everything the terminal received (stdout and stderr share it). */
  output: string;
}

export function runInTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { columns?: number } = {},
): Promise<TerminalResult> {
  const command = [
    `stty cols ${options.columns ?? 120} rows 40 2>/dev/null;`,
    'exec',
    shellQuote(process.execPath),
    shellQuote(BIN),
    ...args.map(shellQuote),
  ].join(' ');
  // -e: the child's exit code is script's; -q: no banner; /dev/null: no typescript file.
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: { ...env, SHELL: '/bin/sh' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}
