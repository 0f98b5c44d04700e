/** gagent debug db: where the database is, its schema version, how many rows each table holds, and what the kept screenshots weigh. */
import { formatSize } from '../../format.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

export const debugDbCommand: CommandHandler<OptionsOf<'debug db'>> = async (ctx) => {
  const store = ctx.store();
  const report = {
    path: store.path,
    schemaVersion: store.schemaVersion(),
    rows: store.rowCounts(),
    screenshots: store.artifacts.totals(),
  };
  ctx.output.result(report, () =>
    [
      `database        ${report.path}`,
      `schema version  ${report.schemaVersion}`,
      ...Object.entries(report.rows).map(([table, n]) => `${table.padEnd(18)} ${String(n).padStart(6)}`),
      `screenshots     ${report.screenshots.count}, ${formatSize(report.screenshots.bytes)} in all`,
    ].join('\n'),
  );
  return 0;
};
