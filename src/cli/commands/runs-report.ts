/**
 * gagent runs show <id> --html FILE [--open]: the run as one self-contained HTML page. The file
 * holds the run's screenshots and text, so it is written private (0600), whole or not at all.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../errors.js';
import { formatSize } from '../../format.js';
import { packageVersion } from '../../package-root.js';
import { redactValue } from '../../redact.js';
import { renderTrajectory } from '../../report/trajectory.js';
import type { RunRow, RunStepRow } from '../../store/runs.js';
import { openInBrowser, shouldOpenBrowser } from '../browser.js';
import type { CommandContext } from '../context.js';

function cannotWrite(target: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'EISDIR'
        ? 'it is a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : (err as Error).message;
  return new UsageError(`Cannot write the report to ${target}: ${why}.`, 'Give another file with --html.');
}

/** Writes beside the target and renames over it, so a reader never sees half a report. */
function writePrivately(target: string, content: string): void {
  if (fs.existsSync(target) && fs.statSync(target).isDirectory())
    throw cannotWrite(target, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    fs.writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw cannotWrite(target, err);
  }
}

/** The run as one self-contained HTML page (text redacted; pictures as the agent saw the screen). */
export async function renderRunReport(
  ctx: CommandContext,
  run: RunRow,
  steps: RunStepRow[],
): Promise<{ html: string; screenshots: number }> {
  const screenshots = await (await ctx.store()).artifacts.screenshots(run.id);
  const text = redactValue({ run, steps }, ctx.redactor);
  const html = renderTrajectory({
    run: text.run,
    steps: text.steps,
    screenshots,
    version: packageVersion(import.meta.url),
    generatedAt: new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
  });
  return { html, screenshots: screenshots.length };
}

export async function writeRunReport(
  ctx: CommandContext,
  run: RunRow,
  steps: RunStepRow[],
  file: string,
  open: boolean,
): Promise<number> {
  const target = path.resolve(file);
  const { html, screenshots } = await renderRunReport(ctx, run, steps);
  writePrivately(target, html);
  const bytes = Buffer.byteLength(html);
  const url = pathToFileURL(target).href;
  const opened =
    open &&
    shouldOpenBrowser(ctx.config) &&
    (await openInBrowser(url, { browserCommand: ctx.config.browser, env: ctx.config.childEnv }));
  ctx.output.result(
    { run: run.id, report: target, url, steps: steps.length, screenshots, bytes, opened },
    () =>
      [
        `Wrote the report of ${run.id} (${steps.length} step${steps.length === 1 ? '' : 's'}, ${screenshots} screenshot${screenshots === 1 ? '' : 's'}, ${formatSize(bytes)}) to ${target}`,
        opened
          ? 'Opened it in the browser.'
          : `${open ? 'Could not open a browser here; open' : 'Open'} it in any browser: ${url}`,
      ].join('\n'),
  );
  return 0;
}
