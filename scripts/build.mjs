/**
 * Builds dist/: one esbuild bundle of the CLI with code splitting, so start-up loads a few files
 * instead of hundreds (drizzle alone is ~450 modules) and each command's code still loads only
 * when it runs. Native and heavy packages stay external and are imported lazily. Then writes the
 * top-level help text, rendered by the same commander program, for `gagent --help`.
 */
import fs from 'node:fs';
import { build } from 'esbuild';

const external = [
  'better-sqlite3',
  'pg',
  'sharp',
  'playwright-core',
  '@nut-tree-fork/nut-js',
  '@composio/core',
  '@modelcontextprotocol/sdk',
  'openai',
  '@anthropic-ai/sdk',
  'ink',
  'react',
  'zod',
  'undici',
].flatMap((name) => [name, `${name}/*`]);

fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  jsx: 'automatic',
  chunkNames: 'chunks/[name]-[hash]',
  external,
  // Bundled CommonJS (commander) calls require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __gagentCreateRequire } from 'node:module'; const require = __gagentCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  // Maps beside the chunks: with GAGENT_DEBUG=1 the launcher turns them on, so stack traces
  // point at src/…ts lines instead of hashed bundle chunks (off otherwise: nothing to load).
  sourcemap: 'linked',
  logLevel: 'warning',
});

const { buildProgram } = await import(new URL('../dist/cli/main.js', import.meta.url).href);
fs.writeFileSync('dist/help.txt', buildProgram(async () => {}).helpInformation());
