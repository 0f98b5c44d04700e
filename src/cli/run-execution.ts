/**
 * One run, as `gagent run` and `gagent worker` both carry it out: its event bus, the history
 * writer on it, the services the runner needs from the command (the HTTP stack, the account check
 * with Composio), and the history flushed before the database closes. A run whose history can no
 * longer be saved stops before its next action, wherever it runs (exit 1, status error).
 */
import type { AskApproval } from '../agent/approval.js';
import type { RunRequest } from '../domain/run.js';
import { errorMessage, UsageError } from '../errors.js';
import { RunEventBus } from '../runner/event-bus.js';
import { HistoryWriter } from '../runner/history-writer.js';
import { newAttempt, startHeartbeat } from '../runner/liveness.js';
import { newRunId, type RunServices, type RunSummary, runTask } from '../runner/run-task.js';
import type { RunOwner } from '../store/run-owner.js';
import type { Store } from '../store/store.js';
import { accountManager } from './accounts.js';
import type { CommandContext } from './context.js';
import { wholeNumberFlag } from './number-flags.js';

export function parseMaxSteps(raw: unknown): number {
  return wholeNumberFlag(raw, '--max-steps', { min: 1, max: 1000, fallback: 30 });
}

export function parseStartUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (!['http:', 'https:'].includes(url.protocol)) throw new Error('protocol');
    return url.toString();
  } catch {
    // Only web pages: a file: page would be screenshotted, sent to the model and kept in the report.
    throw new UsageError(`--url must be a full http(s) URL, got "${raw}".`);
  }
}

export function parseTask(raw: unknown): string {
  const task = String(raw ?? '').trim();
  if (!task)
    throw new UsageError(
      'The task is empty.',
      'Say what to do, for example: gagent run "send Bob the report".',
    );
  return task;
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

/** Queues a run for a worker (gagent run --submit, the API); returns its id. */
/** How long a worker may go unseen before a submit says nobody may take the run. */
const WORKER_SEEN_WITHIN_MS = 60_000;

/** What a submit says when no worker has been seen on the database lately (else null). */
export async function noWorkerWarning(store: Store, now = Date.now()): Promise<string | null> {
  const seen = await store.workers.lastSeen();
  if (seen && Date.parse(seen) >= now - WORKER_SEEN_WITHIN_MS) return null;
  return 'no gagent worker has been seen on this database for a minute: the run waits in the queue until one starts (gagent worker).';
}

export async function submitRun(store: Store, userId: string, request: RunRequest): Promise<string> {
  const id = newRunId();
  await store.queue.submit({ id, userId, request, queuedAt: new Date().toISOString() });
  return id;
}

export interface RunExecution {
  /** The context of the run's user (its config names the controller and model). */
  ctx: CommandContext;
  runId: string;
  request: RunRequest;
  /** Aborts the run now (Ctrl+C); the step in progress is recorded as interrupted. */
  signal: AbortSignal;
  /** Ends the run between steps (a worker asked to stop). */
  stop?: AbortSignal;
  /** The attempt that claimed the run (a worker's); a run started here is a new attempt. */
  owner?: RunOwner;
  /**
   * Nobody watches the run (a worker's): if its heartbeat can no longer be written it stops at the
   * next step, since other workers would give it up for dead and may start it again.
   */
  unattended?: boolean;
  /** Asks a person to approve a tool; without it, a tool that needs approval is denied. */
  ask?: AskApproval;
  /** Called with the bus before the run starts, to show it (the live view, JSONL). */
  watch?(bus: RunEventBus): void | Promise<void>;
}

export async function executeRun(run: RunExecution): Promise<RunSummary> {
  const { ctx, request } = run;
  const store = await ctx.store();
  const bus = new RunEventBus(run.runId, (err) =>
    ctx.output.warn(`part of the run's output failed and was skipped from then on: ${errorMessage(err)}`),
  );
  const owner = run.owner ?? newAttempt();
  // A worker's room for a full disk, freed by an earlier run, is kept again once there is space.
  store.keepReserve();
  const silent = new AbortController();
  const history = new HistoryWriter({
    store,
    redactor: ctx.redactor,
    owner,
    warn: (message) => ctx.output.warn(message),
  });
  bus.subscribe(history.record);
  // Stopped with the run, however it ends: a run whose end could not be recorded then reads interrupted.
  const stopHeartbeat = startHeartbeat(store, run.runId, owner, () => {
    if (!run.unattended || silent.signal.aborted) return;
    ctx.output.warn('the run stops: the database has not taken its heartbeat for 30 s');
    silent.abort();
  });
  await run.watch?.(bus);
  const services: RunServices = {
    fetch: ctx.http.fetch,
    redactor: ctx.redactor,
    checkAccounts: (signal) => checkAccounts(ctx, signal),
    historyWritten: () => history.flush(),
    historyLost: () => history.lost,
    cancelRequested: () => store.queue.cancelRequested(run.runId),
  };
  try {
    return await runTask(
      ctx.config,
      store,
      {
        task: request.task,
        maxSteps: request.maxSteps,
        reflection: request.reflection,
        useMcp: request.mcp,
        approveAll: request.yes,
        ask: run.ask,
        startUrl: request.url,
        signal: run.signal,
        stop: run.stop ? AbortSignal.any([run.stop, silent.signal]) : silent.signal,
      },
      services,
      bus,
    );
  } finally {
    stopHeartbeat();
    // The last steps and the end state reach the database before it closes.
    await history.flush();
  }
}
