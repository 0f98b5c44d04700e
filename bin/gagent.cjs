#!/usr/bin/env node
// Tiny launcher, CommonJS because that starts faster than an ES module. `gagent --version` and
// `gagent --help` are answered here without loading the CLI (the help text is rendered from the
// same commander program at build time); everything else goes to the bundled CLI.
'use strict';
const { readFileSync } = require('node:fs');
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
if (tooOld) {
  process.stderr.write(
    `gagent: gagent needs Node.js ${NODE_REQUIRED.join('.')} or newer, and this is Node.js ${process.versions.node}; install Node 22 or 24 (from nodejs.org, or nvm install 22), then run npm install again.\n`,
  );
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`);
} else if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
  process.stdout.write(readFileSync(path.join(root, 'dist', 'help.txt'), 'utf8'));
} else {
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
