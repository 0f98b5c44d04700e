#!/usr/bin/env node
// Tiny launcher, CommonJS because that starts faster than an ES module. `gagent --version` and
// `gagent --help` are answered here without loading the CLI (the help text is rendered from the
// same commander program at build time); `run` and `worker` first restart in place with settings
// for long runs (below); everything else goes to the bundled CLI.
'use strict';
const { accessSync, constants, readFileSync } = require('node:fs');
const path = require('node:path');

// Checked before anything else: on an older Node the native database module crashes the process
// (a segfault) after it has created an empty database. Kept equal to package.json's engines by a test.
const NODE_REQUIRED = [22, 22, 3];
const running = process.versions.node.split('.').map(Number);
const tooOld = (() => {
  for (let i = 0; i < 3; i += 1)
    if ((running[i] || 0) !== NODE_REQUIRED[i]) return (running[i] || 0) < NODE_REQUIRED[i];
  return false;
})();

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);

/**
 * `run` and `worker` live for hundreds of steps, each of which frees megabytes (screenshots,
 * model requests). Settings that only count when a process starts keep that memory from piling
 * up, so for these commands the launcher starts itself again once, in place (execve: the same
 * pid, terminal and signals), with them:
 * - glibc's malloc: at most two arenas (otherwise one per thread that allocates — sharp's, V8's —
 *   each keeping what its thread freed), and blocks of 128 KiB or more handed back to the system
 *   when freed (glibc otherwise raises that threshold to the largest block freed so far, and a
 *   screenshot-sized block is then kept for good); other C libraries ignore these variables;
 * - V8's young generation capped at 2 × 2 MiB (it grows to 2 × 16 MiB and stays resident).
 * A user's own setting wins. The restarted process removes the variables it was given, so the
 * browser and the MCP servers it starts do not inherit them.
 */
const MALLOC_SETTINGS = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
const TUNED_MARK = 'GAGENT_TUNED_START';

/** Restarts the process with the settings above; returns false when it does not (then the caller goes on). */
function restartTunedForLongRuns() {
  const added = process.env[TUNED_MARK];
  if (added !== undefined) {
    // Only names of ours: the mark comes from the environment, and must not delete anything else.
    for (const name of added.split(',')) if (Object.hasOwn(MALLOC_SETTINGS, name)) delete process.env[name];
    delete process.env[TUNED_MARK];
    return false;
  }
  if (!['run', 'worker'].includes(args[0])) return false;
  if (typeof process.execve !== 'function' || process.platform === 'win32') return false;
  try {
    // execve aborts the process when it fails: only with a Node that is still there to start.
    accessSync(process.execPath, constants.X_OK);
  } catch {
    return false;
  }
  const env = { ...process.env };
  const names = Object.keys(MALLOC_SETTINGS).filter((name) => env[name] === undefined);
  for (const name of names) env[name] = MALLOC_SETTINGS[name];
  env[TUNED_MARK] = names.join(',');
  const nodeFlags = `${process.execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`;
  const flags = nodeFlags.includes('semi-space') ? [] : ['--max-semi-space-size=2'];
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...flags, __filename, ...args],
    env,
  );
  return true;
}

if (tooOld) {
  process.stderr.write(
    `gagent: gagent needs Node.js ${NODE_REQUIRED.join('.')} or newer, and this is Node.js ${process.versions.node}; install Node 22 or 24 (from nodejs.org, or nvm install 22), then run npm install again.\n`,
  );
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`);
} else if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
  process.stdout.write(readFileSync(path.join(root, 'dist', 'help.txt'), 'utf8'));
} else if (!restartTunedForLongRuns()) {
  // Node's on-disk compile cache: the bundle starts ~5–15% faster from the second run on (measured
  // on `status --json`); --version and --help above never load the bundle, so they do not need it.
  require('node:module').enableCompileCache?.();
  // Every libuv pool thread that compresses a screenshot (sharp, in gagent run) keeps the freed
  // picture buffers in its own malloc arena for the rest of the run. Two threads are plenty for
  // gagent (DNS lookups, zlib, pictures) and bound that memory. Set before anything starts the
  // pool; a user's own setting wins.
  process.env.UV_THREADPOOL_SIZE ??= '2';
  // Read here, before the bundle loads: Node maps stack traces only for code loaded after this.
  if (process.env.GAGENT_DEBUG === '1' || process.env.GAGENT_DEBUG === 'true')
    process.setSourceMapsEnabled(true);
  import('../dist/cli/main.js').then(
    ({ main }) =>
      main(process.argv).then((code) => {
        process.exitCode = code;
      }),
    (err) => {
      process.stderr.write(`gagent: cannot start (${err.message}); run npm install to build it.\n`);
      process.exitCode = 1;
    },
  );
}
