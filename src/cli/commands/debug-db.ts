/**
 * gagent debug db: which database (SQLite file, or PostgreSQL server with the password hidden),
 * its engine and schema version, how many rows of each table are the user's, and what the user's
 * kept screenshots weigh. Other users' data is not counted: through the API any user may ask.
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
    user: ctx.config.user,
    rows: await store.rowCounts(ctx.config.user),
    screenshots: await store.artifacts.totals(ctx.config.user),
  };
  ctx.output.result(report, () =>
    [
      `database        ${report.path}`,
      `engine          ${report.engine}`,
      `schema version  ${report.schemaVersion}`,
      `user            ${report.user} (the rows below are this user's)`,
      ...Object.entries(report.rows).map(([table, n]) => `${table.padEnd(18)} ${String(n).padStart(6)}`),
      `screenshots     ${report.screenshots.count}, ${formatSize(report.screenshots.bytes)} in all`,
    ].join('\n'),
  );
  return 0;
};
