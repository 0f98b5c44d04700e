/**
 * gagent debug db: which database (SQLite file, or PostgreSQL server with the password hidden),
 * its engine and schema version, how many rows each table holds, and what the kept screenshots weigh.
 */
import { formatSize } from '../../format.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

export const debugDbCommand: CommandHandler<OptionsOf<'debug db'>> = async (ctx) => {
  const store = await ctx.store();
  const report = {
    dialect: store.dialect,
    engine: await store.engineVersion(),
    path: store.location,
    schemaVersion: await store.schemaVersion(),
    rows: await store.rowCounts(),
    screenshots: await store.artifacts.totals(),
  };
  ctx.output.result(report, () =>
    [
      `database        ${report.path}`,
      `engine          ${report.engine}`,
      `schema version  ${report.schemaVersion}`,
      ...Object.entries(report.rows).map(([table, n]) => `${table.padEnd(18)} ${String(n).padStart(6)}`),
      `screenshots     ${report.screenshots.count}, ${formatSize(report.screenshots.bytes)} in all`,
    ].join('\n'),
  );
  return 0;
};
