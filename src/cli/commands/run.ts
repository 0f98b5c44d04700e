/**
 * gagent run "<task>": the Ink view on a terminal, JSONL events otherwise (or with --json). Both,
 * and the history writer, consume the same event stream. With --submit the run is queued for a
 * worker instead (gagent worker).
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../agent/approval.js';
import type { RunRequest } from '../../domain/run.js';
import { UsageError } from '../../errors.js';
import type { RunEventBus } from '../../runner/event-bus.js';
import { reapAbandonedRuns } from '../../runner/liveness.js';
import { checkRunRequest } from '../../runner/run-request.js';
import { newRunId } from '../../runner/run-task.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { followRun } from '../follow-run.js';
import { keepHeapNearLiveSize } from '../heap.js';
import { wholeNumberFlag } from '../number-flags.js';
import {
  executeRun,
  noWorkerWarning,
  parseMaxSteps,
  parseStartUrl,
  parseTask,
  submitRun,
} from '../run-execution.js';

/** Bridges the runner's approval question to the keypress the TUI reports. */
class TerminalApprovals {
  private pending: ((answer: ApprovalAnswer) => void) | null = null;

  ask = (_request: ApprovalRequest, signal?: AbortSignal): Promise<ApprovalAnswer> =>
    new Promise<ApprovalAnswer>((resolve) => {
      this.pending = resolve;
      signal?.addEventListener('abort', () => this.answer('deny'), { once: true });
    });

  answer = (answer: ApprovalAnswer): void => {
    const resolve = this.pending;
    this.pending = null;
    resolve?.(answer);
  };
}

/** The run the flags describe. */
function runRequest(task: string, options: OptionsOf<'run'>): RunRequest {
  return {
    task,
    maxSteps: parseMaxSteps(options.maxSteps),
    reflection: options.reflection,
    mcp: options.mcp,
    yes: options.yes ?? false,
    controller: options.controller,
    controllerUrl: options.controllerUrl,
    url: parseStartUrl(options.url),
    model: options.model,
    groundingModel: options.groundingModel,
    retries: parseRetries(options.retries),
  };
}

function parseRetries(raw: unknown): number {
  return wholeNumberFlag(raw, '--retries', { min: 0, max: 5, fallback: 0 });
}

/** --submit: the run is queued for a worker (gagent worker), on this database; --wait follows it. */
async function submit(ctx: CommandContext, request: RunRequest, wait: boolean): Promise<number> {
  const store = await ctx.store();
  const runId = await submitRun(store, ctx.config.user, request);
  const unseen = await noWorkerWarning(store);
  if (unseen) ctx.output.warn(unseen);
  const queued = { runId, user: ctx.config.user, status: 'queued' };
  if (wait && ctx.output.json) ctx.output.jsonLine({ type: 'run_queued', ...queued });
  else
    ctx.output.result(
      queued,
      () =>
        `Queued ${runId} for ${ctx.config.user}; a gagent worker on this database will run it (gagent runs show ${runId}).`,
    );
  return wait ? followRun(ctx, store, runId) : 0;
}

export const runCommand: CommandHandler<OptionsOf<'run'>> = async (ctx, args, options) => {
  const request = runRequest(parseTask(args[0]), options);
  if (options.wait && !options.submit)
    throw new UsageError(
      '--wait follows a submitted run: a run here is followed anyway.',
      'Add --submit, or leave --wait out.',
    );
  if (options.submit) return submit(ctx, checkRunRequest(request), options.wait === true);
  if (options.retries !== undefined)
    throw new UsageError(
      '--retries only applies to a submitted run: a run here ends with its process.',
      'Add --submit to queue it for a worker, or leave --retries out.',
    );
  keepHeapNearLiveSize();
  const store = await ctx.store();
  await reapAbandonedRuns(store);

  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });

  const interactive = ctx.output.interactive;
  // Approvals need a keyboard: with stdin piped, the view still shows the run and tools that need approval are denied.
  const keyboard = interactive && process.stdin.isTTY === true;
  const approvals = new TerminalApprovals();
  // Set by `watch` once the live view is up (a holder: TypeScript cannot see a closure assign it).
  const shown: { view: { exited: Promise<void>; unmount(): void } | null } = { view: null };
  const watch = async (bus: RunEventBus) => {
    if (!interactive) {
      bus.subscribe((event) => ctx.output.jsonLine(event));
      return;
    }
    const { renderRunView } = await import('../../tui/render-run.js');
    shown.view = await renderRunView({
      subscribe: (listener) => bus.subscribe(listener),
      onApproval: approvals.answer,
      onInterrupt: () => abort.abort(),
      keyboard,
    });
  };
  try {
    const summary = await executeRun({
      ctx,
      runId: newRunId(),
      request,
      signal: abort.signal,
      ask: keyboard ? approvals.ask : undefined,
      watch,
    });
    await shown.view?.exited;
    if (!interactive && summary.exitCode !== 0) ctx.output.info(`gagent: ${summary.summary}`);
    return summary.exitCode;
  } catch (err) {
    shown.view?.unmount();
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onOuterAbort);
  }
};
