/**
 * gagent run "<task>": the Ink view on a terminal, JSONL events otherwise (or with --json). Both,
 * and the history writer, consume the same event stream.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../agent/approval.js';
import { errorMessage, UsageError } from '../../errors.js';
import { RunEventBus } from '../../runner/event-bus.js';
import { HistoryWriter } from '../../runner/history-writer.js';
import { reapAbandonedRuns } from '../../runner/liveness.js';
import { newRunId, type RunServices, runTask } from '../../runner/run-task.js';
import { accountManager } from '../accounts.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { keepHeapNearLiveSize } from '../heap.js';

function parseMaxSteps(raw: unknown): number {
  const n = Number(raw ?? 30);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UsageError(`--max-steps must be a whole number from 1 to 1000, got "${String(raw)}".`);
  return n;
}

function parseStartUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (!['http:', 'https:', 'file:'].includes(url.protocol)) throw new Error('protocol');
    return url.toString();
  } catch {
    throw new UsageError(`--url must be a full http(s) or file URL, got "${raw}".`);
  }
}

/** Composio is the source of truth: an account that expired since the last check is not used. */
async function checkAccounts(ctx: CommandContext, signal: AbortSignal): Promise<string[]> {
  const manager = await accountManager(ctx);
  const store = await ctx.store();
  const providers = (await store.accounts.activeMcpConnections(ctx.config.user)).map((c) => c.provider);
  const problems = await Promise.all(
    providers.map((p) =>
      manager.sync(ctx.config.user, p, { signal }).then(
        () => null,
        (err: unknown) =>
          `could not check ${p} with Composio: ${err instanceof Error ? err.message : String(err)}`,
      ),
    ),
  );
  return problems.filter((p): p is string => p !== null);
}

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

export const runCommand: CommandHandler<OptionsOf<'run'>> = async (ctx, args, options) => {
  const task = (args[0] ?? '').trim();
  if (!task)
    throw new UsageError(
      'The task is empty.',
      'Say what to do, for example: gagent run "send Bob the report".',
    );
  const maxSteps = parseMaxSteps(options.maxSteps);
  const startUrl = parseStartUrl(options.url);
  keepHeapNearLiveSize();
  const store = await ctx.store();
  await reapAbandonedRuns(store);
  const bus = new RunEventBus(newRunId(), (err) =>
    ctx.output.warn(`part of the run's output failed and was skipped from then on: ${errorMessage(err)}`),
  );
  const history = new HistoryWriter(store, ctx.redactor, (message) => ctx.output.warn(message));
  bus.subscribe(history.record);

  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });

  const interactive = ctx.output.interactive;
  // Approvals need a keyboard: with stdin piped, the view still shows the run and tools that need approval are denied.
  const keyboard = interactive && process.stdin.isTTY === true;
  const approvals = new TerminalApprovals();
  let view: { exited: Promise<void>; unmount(): void } | null = null;
  if (interactive) {
    const { renderRunView } = await import('../../tui/render-run.js');
    view = await renderRunView({
      subscribe: (listener) => bus.subscribe(listener),
      onApproval: approvals.answer,
      onInterrupt: () => abort.abort(),
      keyboard,
    });
  } else {
    bus.subscribe((event) => ctx.output.jsonLine(event));
  }

  try {
    const services: RunServices = {
      fetch: ctx.http.fetch,
      checkAccounts: (signal) => checkAccounts(ctx, signal),
      historyWritten: () => history.flush(),
    };
    const summary = await runTask(
      ctx.config,
      store,
      {
        task,
        maxSteps,
        reflection: options.reflection,
        useMcp: options.mcp,
        approveAll: options.yes ?? false,
        ask: keyboard ? approvals.ask : undefined,
        startUrl,
        signal: abort.signal,
      },
      services,
      bus,
    );
    await view?.exited;
    if (!interactive && summary.exitCode !== 0) ctx.output.info(`gagent: ${summary.summary}`);
    return summary.exitCode;
  } catch (err) {
    view?.unmount();
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onOuterAbort);
    // The last steps and the end state reach the database before it closes.
    await history.flush();
  }
};
