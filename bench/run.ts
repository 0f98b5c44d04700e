/** `npm run bench`: every budget of DESIGN §8 as one table of medians and ratios against baselines measured in the same run. */
import { benchMcp, benchRegistry } from './mcp.js';
import { benchRunLoop } from './run-loop.js';
import { benchStartup } from './startup.js';
import { type BenchRow, formatTable, meetsBudget } from './table.js';

const sections: [string, () => Promise<BenchRow[]>][] = [
  ['start-up', () => benchStartup()],
  ['MCP calls', () => benchMcp()],
  ['MCP registry', () => benchRegistry()],
  ['run loop', () => benchRunLoop()],
];

const rows: BenchRow[] = [];
for (const [name, bench] of sections) {
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await bench()));
}
process.stdout.write(`${formatTable(rows)}\n`);
const missed = rows.filter((r) => !meetsBudget(r));
if (missed.length > 0) {
  process.stdout.write(`\n${missed.length} budget(s) missed: ${missed.map((r) => r.what).join(', ')}\n`);
  process.exitCode = 1;
}
