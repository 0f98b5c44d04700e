/**
 * The layer rule of ARCHITECTURE.md, checked on every `npm run lint`: imports go one way,
 * cli → tui/report/runner → agent → llm/controllers/mcp → composio → store, and the shared foundation
 * (config, errors, redact, http, terminal-text, format, domain, package-root) imports nothing above it.
 * An upward import fails with the file, the import and the rule it breaks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Rank of each part of src/: a file may import its own rank or lower. */
const RANKS = {
  foundation: 0,
  store: 1,
  composio: 2,
  llm: 3,
  controllers: 3,
  mcp: 3,
  agent: 4,
  runner: 5,
  tui: 5,
  report: 5,
  cli: 6,
};
const FOUNDATION = new Set([
  'config',
  'errors',
  'redact',
  'http',
  'terminal-text',
  'format',
  'domain',
  'package-root',
  'request-target',
]);

/** The part of src/ a file belongs to ("store", "cli", … or "foundation"). */
export function partOf(srcDir, file) {
  const first = path
    .relative(srcDir, file)
    .split(path.sep)[0]
    .replace(/\.tsx?$/, '');
  if (FOUNDATION.has(first)) return 'foundation';
  return first in RANKS ? first : null;
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT =
  /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Every import that breaks the rule, as "file: imports target (part → part)". */
export function checkLayers(srcDir) {
  const problems = [];
  for (const file of sourceFiles(srcDir)) {
    const from = partOf(srcDir, file);
    if (!from) {
      problems.push(
        `${path.relative(srcDir, file)}: is in no layer; add its folder to scripts/check-layers.mjs`,
      );
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), (match[1] ?? match[2]).replace(/\.js$/, '.ts'));
      const to = partOf(srcDir, target);
      if (!to || RANKS[to] <= RANKS[from]) continue;
      problems.push(
        `${path.relative(srcDir, file)}: imports ${path.relative(srcDir, target)}, but ${from} must not import ${to} (imports go cli → tui/runner → agent → llm/controllers/mcp → composio → store → foundation)`,
      );
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const srcDir = path.resolve(process.argv[2] ?? 'src');
  const problems = checkLayers(srcDir);
  for (const p of problems) process.stderr.write(`layer rule: ${p}\n`);
  if (problems.length > 0) process.exit(1);
  process.stdout.write(`layer rule: ${sourceFiles(srcDir).length} files, every import goes downward\n`);
}
