/**
 * Runs the built gagent on a real pseudo-terminal (util-linux `script`), so its human output and
 * its exit code are what a person at a terminal gets. The output is the raw bytes the terminal
 * received, escape sequences included.
 */
import { execFileSync, spawn } from 'node:child_process';
import { BIN } from './cli.js';

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

export interface TmuxSession {
  /** The screen as a person sees it now (no escape sequences). */
  screen(): string;
  /** Resolves with the screen once it matches `pattern`. */
  until(pattern: RegExp, timeoutMs?: number): Promise<string>;
  keys(...keys: string[]): void;
  close(): void;
}

/**
 * Runs the built gagent in a detached tmux session (a real terminal with a keyboard) and ends the
 * command by printing EXIT=<code>, so a test can wait for it. CI=true is kept: a terminal is a
 * terminal even inside a CI job.
 */
export function startInTmux(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { columns?: number; rows?: number } = {},
): TmuxSession {
  const name = `gagent-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const exports = Object.entries(env)
    .filter(([k]) => /^(GAGENT_|OPENAI_|ANTHROPIC_|COMPOSIO_|HOME$|PATH$|NO_COLOR$|DISPLAY$)/.test(k))
    .map(([k, v]) => `${k}=${shellQuote(v ?? '')}`)
    .join(' ');
  const command = `env CI=true ${exports} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo EXIT=$?; sleep 600`;
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(options.columns ?? 120),
    '-y',
    String(options.rows ?? 40),
    command,
  ]);
  const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', name]).toString();
  return {
    screen,
    async until(pattern, timeoutMs = 20_000) {
      const started = Date.now();
      for (;;) {
        const now = screen();
        if (pattern.test(now)) return now;
        if (Date.now() - started > timeoutMs)
          throw new Error(`never saw ${pattern} on the terminal:\n${now}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    keys: (...keys) => void execFileSync('tmux', ['send-keys', '-t', name, ...keys]),
    close: () => {
      try {
        execFileSync('tmux', ['kill-session', '-t', name], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    },
  };
}
