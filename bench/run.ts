/** `npm run bench`: every budget of DESIGN §8 as one table of medians and ratios against baselines measured in the same run. */
import { removeTempDirs } from '../test/helpers/temp.js';
import { benchBrowserRun } from './browser-run.js';
import { benchHistory } from './history.js';
import { benchMcp, benchRegistry, benchUnreachableServers } from './mcp.js';
import { benchRunLoop } from './run-loop.js';
import { benchStartup } from './startup.js';
import { type BenchRow, formatTable, meetsBudget } from './table.js';
import { benchWorkers } from './workers.js';

const sections: [string, () => Promise<BenchRow[]>][] = [
  ['start-up', () => benchStartup()],
  ['MCP calls', () => benchMcp()],
  ['MCP registry', () => benchRegistry()],
  ['unreachable MCP servers', () => benchUnreachableServers()],
  ['run history', () => benchHistory()],
  ['run loop', () => benchRunLoop()],
  ['browser run', () => benchBrowserRun()],
  ['workers', () => benchWorkers()],
];

const rows: BenchRow[] = [];
try {
  for (const [name, bench] of sections) {
    process.stderr.write(`bench: ${name}…\n`);
    rows.push(...(await bench()));
  }
} finally {
  // Every benchmark's temporary home, even when one failed half-way.
  removeTempDirs();
}
process.stdout.write(`${formatTable(rows)}\n`);
const missed = rows.filter((r) => !meetsBudget(r));
if (missed.length > 0) {
  process.stdout.write(`\n${missed.length} budget(s) missed: ${missed.map((r) => r.what).join(', ')}\n`);
  process.exitCode = 1;
}
