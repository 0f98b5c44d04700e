/**
 * Runs the built gagent binary as a subprocess, the way a user would, with an isolated
 * GAGENT_HOME and HOME and none of the developer's credentials leaking in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.js';

export const BIN = fileURLToPath(new URL('../../bin/gagent.cjs', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Variables from the developer's shell that must never reach a test's gagent. */
const SCRUBBED = /^(GAGENT_|COMPOSIO_|OPENAI_|ANTHROPIC_|DB_URL$|DISPLAY$|WAYLAND_DISPLAY$|SSH_|BROWSER$)/;

/** Every run's output goes to a shared directory; the global teardown scans it for secrets. */
function recordForSecretScan(args: string[], stdout: string, stderr: string): void {
  const dir = process.env.GAGENT_TEST_OUTPUTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(
    path.join(dir, `${process.pid}.log`),
    `$ gagent ${args.join(' ')}\n${stdout}\n${stderr}\n`,
  );
}

export function tempHome(prefix = 'gagent-test-'): string {
  return tempDir(prefix);
}

export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!SCRUBBED.test(key)) env[key] = value;
  env.HOME = home;
  env.GAGENT_HOME = path.join(home, 'data');
  env.NO_COLOR = '1';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface SpawnedCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

export interface SpawnOptions {
  /**
   * Make file modes bind even where the suite runs as root (root bypasses them): gagent runs as
   * root without the capabilities that override permission checks (util-linux setpriv).
   */
  obeyFileModes?: boolean;
}

const WITHOUT_FILE_OVERRIDES = [
  '--bounding-set=-dac_override,-dac_read_search',
  '--inh-caps=-dac_override,-dac_read_search',
];

export function spawnGagent(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  options: SpawnOptions = {},
): SpawnedCli {
  const argv = [process.execPath, BIN, ...args];
  if (options.obeyFileModes && process.getuid?.() === 0) argv.unshift('setpriv', ...WITHOUT_FILE_OVERRIDES);
  const [program, ...rest] = argv as [string, ...string[]];
  const child = spawn(program, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  if (input !== undefined) child.stdin?.end(input);
  else child.stdin?.end();
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      recordForSecretScan(args, stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        void done.then(() => {
          if (listeners.has(check)) {
            check();
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`gagent exited before ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
            }
          }
        });
        check();
      });
    },
  };
}

export async function runGagent(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  options?: SpawnOptions,
): Promise<CliResult> {
  return spawnGagent(args, env, input, options).done;
}
