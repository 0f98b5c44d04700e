/** gagent runs list / show / delete / prune: the user's saved history of runs, step by step. A user sees only their own runs. */
import { planIntent } from '../../agent/plan-sections.js';
import { reflectionVerdict, VERDICT_WORDS } from '../../agent/reflection.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { formatColumns, formatSize, oneLine } from '../../format.js';
import { describeAction, describeApproval, describeOutcome } from '../../report/describe-step.js';
import { reapAbandonedRuns } from '../../runner/liveness.js';
import type { RunRow, RunStepRow } from '../../store/runs.js';
import { canAsk, confirm } from '../confirm.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { decimalFlag, wholeNumberFlag } from '../number-flags.js';
import { writeRunReport } from './runs-report.js';

function parseLimit(raw: unknown): number {
  return wholeNumberFlag(raw, '--limit', { min: 1, max: 10_000, fallback: 20 });
}

function runJson(run: RunRow) {
  return {
    id: run.id,
    user: run.userId,
    task: run.task,
    status: run.status,
    model: run.model,
    controller: run.controller,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    summary: run.summary,
    queuedAt: run.queuedAt,
    /** The process that ran it (a worker's, or the gagent run's): host:pid. */
    worker: run.host && run.pid !== null ? `${run.host}:${run.pid}` : null,
    /** Times it was started again after its worker died (a submitted run with --retries). */
    retried: run.retried,
  };
}

function stepJson(step: RunStepRow) {
  return {
    idx: step.idx,
    verdict: reflectionVerdict(step.reflection),
    kind: step.kind,
    plan: step.plan,
    action: step.action,
    outcome: step.outcome,
    approval: step.approval,
    reflection: step.reflection,
    durationMs: step.durationMs,
  };
}

export const runsListCommand: CommandHandler<OptionsOf<'runs list'>> = async (ctx, _args, options) => {
  const limit = parseLimit(options.limit);
  await reapAbandonedRuns(await ctx.store());
  // Each user sees their own runs; --user (or GAGENT_USER) picks whose.
  const runs = await (await ctx.store()).runs.list(ctx.config.user, limit);
  ctx.output.result({ runs: runs.map(runJson) }, () =>
    runs.length === 0
      ? 'No runs yet. Start one with: gagent run "<task>"'
      : formatColumns(
          ['RUN', 'STARTED', 'STATUS', 'USER', 'WORKER', 'TASK'],
          runs.map((r) => [
            r.id,
            r.startedAt.slice(0, 19).replace('T', ' '),
            r.status,
            r.userId,
            r.host ? `${r.host}:${r.pid}` : '-',
            oneLine(r.task, 60),
          ]),
        ),
  );
  return 0;
};

/** The user's run with this id or unique id prefix; another user's runs are not there to find. */
export async function findRun(ctx: CommandContext, wanted: string): Promise<RunRow> {
  await reapAbandonedRuns(await ctx.store());
  const matches = await (await ctx.store()).runs.findByPrefix(ctx.config.user, wanted, 2);
  if (matches.length === 0) {
    throw new NotFoundError(
      `${ctx.config.user} has no run with an id starting with "${wanted}".`,
      "List the runs with gagent runs list; another user's runs are not listed.",
    );
  }
  if (matches.length > 1) {
    throw new UsageError(
      `More than one run has an id starting with "${wanted}".`,
      'Give more characters of the id.',
    );
  }
  return matches[0] as RunRow;
}

export const runsShowCommand: CommandHandler<OptionsOf<'runs show'>> = async (ctx, args, options) => {
  if (options.open && !options.html)
    throw new UsageError(
      '--open opens the HTML report, so it needs --html FILE.',
      'For example: gagent runs show <id> --html report.html --open',
    );
  const run = await findRun(ctx, args[0] ?? '');
  const store = await ctx.store();
  const steps = await store.runs.steps(run.id);
  if (options.html) return writeRunReport(ctx, run, steps, options.html, options.open === true);
  const shots = new Map((await store.artifacts.screenshotInfo(run.id)).map((s) => [s.idx, s]));
  const stepsJson = steps.map((step) => {
    const shot = shots.get(step.idx);
    return {
      ...stepJson(step),
      screenshot: shot
        ? { mediaType: shot.mediaType, width: shot.width, height: shot.height, bytes: shot.bytes }
        : null,
    };
  });
  ctx.output.result({ run: runJson(run), steps: stepsJson }, () => {
    const lines = [
      `run       ${run.id}`,
      `task      ${run.task}`,
      `user      ${run.userId}`,
      `model     ${run.model}   controller ${run.controller}`,
      `status    ${run.status}${run.summary ? ` — ${run.summary}` : ''}`,
      run.status === 'queued'
        ? `queued    ${run.queuedAt ?? run.startedAt} (waiting for a gagent worker)`
        : `started   ${run.startedAt}${run.finishedAt ? `   finished ${run.finishedAt}` : ''}`,
      '',
    ];
    for (const step of steps) {
      const badge = step.kind === 'mcp' ? '[MCP]' : '[GUI]';
      lines.push(`${String(step.idx + 1).padStart(3)}. ${badge} ${describeAction(step.action)}`);
      if (step.plan) lines.push(`       plan: ${oneLine(planIntent(step.plan), 160)}`);
      const approval = describeApproval(step.approval);
      if (approval) lines.push(`       approval: ${approval}`);
      const outcome = describeOutcome(step.outcome);
      if (outcome) lines.push(`       ${outcome}`);
      // The reviewer's verdict on this step (made as the next one began).
      const verdict = reflectionVerdict(step.reflection);
      if (verdict)
        lines.push(
          `       reflection: ${VERDICT_WORDS[verdict]}${verdict === 'off_track' ? ` — ${oneLine(step.reflection, 140)}` : ''}`,
        );
      const shot = shots.get(step.idx);
      if (shot) lines.push(`       screenshot: ${shot.width}×${shot.height}, ${formatSize(shot.bytes)}`);
    }
    if (steps.length === 0) lines.push('(no steps)');
    lines.push(
      '',
      `${shots.size > 0 ? 'See the screenshots and clicks' : 'See it'} in a browser: gagent runs show ${run.id} --html report.html --open`,
    );
    return lines.join('\n');
  });
  return 0;
};

export const runsDeleteCommand: CommandHandler<OptionsOf<'runs delete'>> = async (ctx, args) => {
  const run = await findRun(ctx, args[0] ?? '');
  // Found, so not deleted means running (maybe taken by a worker since it was found).
  if (run.status === 'running' || !(await (await ctx.store()).runs.delete(ctx.config.user, run.id))) {
    throw new UsageError(
      `The run ${run.id} is still running.`,
      `Stop it with gagent runs cancel ${run.id} (it ends after its current step), then delete it.`,
    );
  }
  ctx.output.result({ user: ctx.config.user, deleted: [run.id] }, () => `Deleted ${run.id}.`);
  return 0;
};

function parseDays(raw: unknown): number {
  return decimalFlag(raw ?? '', '--older-than', {
    min: 0,
    max: 36_500,
    fallback: 0,
    what: 'days',
    hint: 'For example: gagent runs prune --older-than 30',
  });
}

const runCount = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
const dayCount = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** Deletes for good, so it asks first (a person at a terminal) or needs --yes; --dry-run only lists. */
export const runsPruneCommand: CommandHandler<OptionsOf<'runs prune'>> = async (ctx, _args, options) => {
  const days = parseDays(options.olderThan);
  const user = ctx.config.user;
  const before = new Date(Date.now() - days * 86_400_000).toISOString();
  const store = await ctx.store();
  const candidates = await store.runs.prunable(user, before);
  const what = `${runCount(candidates.length)} of ${user} that started more than ${dayCount(days)} ago`;
  if (options.dryRun) {
    ctx.output.result({ user, olderThanDays: days, dryRun: true, wouldDelete: candidates }, () =>
      [`Would delete ${what}${candidates.length ? ':' : '.'}`, ...candidates].join('\n'),
    );
    return 0;
  }
  if (candidates.length > 0 && !options.yes) {
    if (!canAsk(ctx))
      throw new UsageError(
        `runs prune would delete ${what}, with their steps and screenshots, and was not told to.`,
        'Add --yes to delete them, or --dry-run to list them first.',
      );
    if (!(await confirm(ctx, `Delete ${what}, with their steps and screenshots?`))) {
      ctx.output.info('Nothing was deleted.');
      return 1;
    }
  }
  const deleted = await store.runs.prune(user, before);
  ctx.output.result(
    { user, olderThanDays: days, deleted },
    () => `Deleted ${runCount(deleted.length)} of ${user} older than ${dayCount(days)}.`,
  );
  return 0;
};
