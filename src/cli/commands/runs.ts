/** gagent runs list / runs show: the saved history of runs, step by step. */
import { planIntent } from '../../agent/plan-sections.js';
import { UsageError } from '../../errors.js';
import type { RunRow, RunStepRow } from '../../store/runs.js';
import type { CommandHandler } from '../context.js';

function parseLimit(raw: unknown): number {
  const n = Number(raw ?? 20);
  if (!Number.isInteger(n) || n <= 0 || n > 10_000) {
    throw new UsageError(`--limit must be a whole number from 1 to 10000, got "${String(raw)}".`);
  }
  return n;
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
  };
}

function stepJson(step: RunStepRow) {
  return {
    idx: step.idx,
    kind: step.kind,
    plan: step.plan,
    action: step.action,
    outcome: step.outcome,
    reflection: step.reflection,
    durationMs: step.durationMs,
  };
}

function oneLine(text: string | null | undefined, max: number): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function describeAction(action: unknown): string {
  const call = action as { name?: unknown; args?: unknown } | null;
  if (!call || typeof call.name !== 'string') return '(no action)';
  const args =
    call.args && typeof call.args === 'object' ? Object.entries(call.args as Record<string, unknown>) : [];
  return `${call.name}(${args.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`;
}

function describeOutcome(outcome: unknown): string {
  const o = outcome as { type?: string; [key: string]: unknown } | null;
  switch (o?.type) {
    case 'mcp':
      return `${o.isError ? 'tool error' : 'returned'}: ${oneLine(String(o.resultText ?? ''), 120)}`;
    case 'refused':
      return `refused: ${oneLine(String(o.reason ?? ''), 120)}`;
    case 'format_error':
      return `format error: ${oneLine(String(o.reason ?? ''), 120)}`;
    case 'notes':
      return 'saved to notes';
    case 'done':
      return 'done';
    case 'fail':
      return 'fail';
    case 'screen':
      return 'executed on screen';
    default:
      return '';
  }
}

export const runsListCommand: CommandHandler = async (ctx, _args, options) => {
  const limit = parseLimit(options.limit);
  // Each user sees their own runs; --user (or GAGENT_USER) picks whose.
  const runs = ctx.store().runs.list(ctx.config.user, limit);
  ctx.output.result({ runs: runs.map(runJson) }, () =>
    runs.length === 0
      ? 'No runs yet. Start one with: gagent run "<task>"'
      : runs
          .map(
            (r) =>
              `${r.id}  ${r.startedAt.slice(0, 19).replace('T', ' ')}  ${r.status.padEnd(11)} ${r.userId.padEnd(12)} ${oneLine(r.task, 60)}`,
          )
          .join('\n'),
  );
  return 0;
};

export const runsShowCommand: CommandHandler = async (ctx, args) => {
  const wanted = args[0] ?? '';
  const store = ctx.store();
  const matches = store.runs.findByPrefix(wanted, 2);
  if (matches.length === 0) {
    throw new UsageError(`No run has an id starting with "${wanted}".`, 'List runs with: gagent runs list');
  }
  if (matches.length > 1) {
    throw new UsageError(
      `More than one run has an id starting with "${wanted}".`,
      'Give more characters of the id.',
    );
  }
  const run = matches[0] as RunRow;
  const steps = store.runs.steps(run.id);
  ctx.output.result({ run: runJson(run), steps: steps.map(stepJson) }, () => {
    const lines = [
      `run       ${run.id}`,
      `task      ${run.task}`,
      `user      ${run.userId}`,
      `model     ${run.model}   controller ${run.controller}`,
      `status    ${run.status}${run.summary ? ` — ${run.summary}` : ''}`,
      `started   ${run.startedAt}${run.finishedAt ? `   finished ${run.finishedAt}` : ''}`,
      '',
    ];
    for (const step of steps) {
      const badge = step.kind === 'mcp' ? '[MCP]' : '[GUI]';
      lines.push(`${String(step.idx + 1).padStart(3)}. ${badge} ${describeAction(step.action)}`);
      if (step.plan) lines.push(`       plan: ${oneLine(planIntent(step.plan), 160)}`);
      const outcome = describeOutcome(step.outcome);
      if (outcome) lines.push(`       ${outcome}`);
    }
    if (steps.length === 0) lines.push('(no steps)');
    return lines.join('\n');
  });
  return 0;
};
