/**
 * gagent worker [--concurrency N]: takes submitted runs (gagent run --submit, the API) from the
 * database and carries each out exactly as `gagent run` would, with this machine's keys, screen
 * and browser. Any number of workers on any number of machines share one database; a run is taken
 * by one of them only (claimNext). The worker also marks runs whose process died (its own
 * heartbeat check). The first SIGTERM or Ctrl+C stops taking runs and lets each run finish the
 * step it is on; a second one ends the process at once.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config.js';
import type { RunRequest } from '../../domain/run.js';
import { errorMessage, GagentError } from '../../errors.js';
import { newAttempt, reapAbandonedRuns, thisProcess } from '../../runner/liveness.js';
import { checkControllerUrl, RunRequestSchema } from '../../runner/run-request.js';
import { databaseErrorMessage } from '../../store/db-errors.js';
import type { RunOwner } from '../../store/run-owner.js';
import type { RunRow } from '../../store/runs.js';
import type { Store } from '../../store/store.js';
import type { CommandContext, CommandHandler } from '../context.js';
import { databaseReplacedError } from '../database-replaced.js';
import type { OptionsOf } from '../definitions.js';
import { keepHeapNearLiveSize } from '../heap.js';
import { wholeNumberFlag } from '../number-flags.js';
import { executeRun } from '../run-execution.js';

/**
 * How often an idle worker looks for a queued run unannounced. A queued run is announced (a NOTIFY
 * on PostgreSQL, a signal file on SQLite) and wakes waiting workers at once; the poll only covers a
 * lost announcement.
 */
const POLL_MS = 2_000;
/** The longest a worker waits before trying a database that failed again. */
const MAX_BACKOFF_MS = 30_000;
/** How often a worker looks for runs whose process died. */
const REAP_EVERY_MS = 5_000;

function parseConcurrency(raw: unknown): number {
  return wholeNumberFlag(raw, '--concurrency', { min: 1, max: 32, fallback: 1 });
}

/** The run's own context: its user, and the controller and model it asked for, with this machine's keys. */
function runContext(ctx: CommandContext, row: RunRow, request: RunRequest): CommandContext {
  const config = loadConfig({
    user: row.userId,
    model: request.model,
    controller: request.controller,
    controllerUrl: request.controllerUrl,
    groundingModel: request.groundingModel,
    shared: true,
  });
  return { ...ctx, config };
}

async function carryOut(
  ctx: CommandContext,
  store: Store,
  row: RunRow,
  owner: RunOwner,
  stop: AbortSignal,
): Promise<void> {
  const say = (event: Record<string, unknown>, human: string) => {
    if (ctx.output.json) ctx.output.jsonLine(event);
    else ctx.output.info(human);
  };
  say({ type: 'run_claimed', runId: row.id, user: row.userId }, `${row.id}: started for ${row.userId}`);
  try {
    const parsed = RunRequestSchema.safeParse(row.options);
    if (!parsed.success)
      throw new GagentError(
        `The submitted run ${row.id} is not one gagent can run: ${parsed.error.issues[0]?.message}.`,
      );
    checkControllerUrl(parsed.data, ctx.config.allowedControllerUrls);
    const summary = await executeRun({
      ctx: runContext(ctx, row, parsed.data),
      runId: row.id,
      request: parsed.data,
      // Never aborted mid-step: a stopping worker lets the step finish (`stop`).
      signal: new AbortController().signal,
      stop,
      owner,
      unattended: true,
    });
    say(
      {
        type: 'run_finished',
        runId: row.id,
        status: summary.status,
        exitCode: summary.exitCode,
        summary: summary.summary,
      },
      `${row.id}: ${summary.status} — ${summary.summary}`,
    );
  } catch (err) {
    // The run never started (a bad request or configuration): it ends here, with why.
    const message =
      err instanceof GagentError ? [err.message, err.hint].filter(Boolean).join(' ') : errorMessage(err);
    const exitCode = err instanceof GagentError ? err.exitCode : 1;
    await store.runs
      .finish(row.id, 'error', message, new Date().toISOString(), owner, exitCode)
      .catch(() => {});
    say({ type: 'run_finished', runId: row.id, status: 'error', message }, `${row.id}: error — ${message}`);
  }
}

export const workerCommand: CommandHandler<OptionsOf<'worker'>> = async (ctx, _args, options) => {
  const concurrency = parseConcurrency(options.concurrency);
  keepHeapNearLiveSize();
  const store = await ctx.store();
  // Read now, so a malformed GAGENT_CONTROLLER_URLS stops the worker before it takes any run.
  void ctx.config.allowedControllerUrls;
  const me = thisProcess();
  // Seen on the database while it runs, so `gagent run --submit` can tell whether anyone will take a run.
  const presence = {
    id: `w_${randomBytes(6).toString('hex')}`,
    host: me.host,
    pid: me.pid,
    startedAt: new Date().toISOString(),
  };
  const name = `${presence.id} (${me.host}:${me.pid})`;
  await store.workers.seen(presence, presence.startedAt);
  if (!ctx.config.model)
    ctx.output.warn(
      'no GAGENT_MODEL is set here: a submitted run that names no model will end as an error. Set GAGENT_MODEL (and its key) for this worker.',
    );
  ctx.output.info(
    `gagent worker ${name} on ${store.location}: up to ${concurrency} run${concurrency === 1 ? '' : 's'} at once (Ctrl+C or SIGTERM stops it after the current steps)`,
  );
  const active = new Set<Promise<void>>();
  // An announcement that comes while the worker is busy claiming is remembered, not lost.
  let announcedSinceClaim = false;
  let wake = () => {};
  const stopListening = await store.queue.onQueued(() => {
    announcedSinceClaim = true;
    wake();
  });
  let reapedAt = 0;
  let failures = 0;
  // Stopping: asked to (SIGTERM, Ctrl+C), or the SQLite file was replaced under the worker.
  const replaced = new AbortController();
  const stop = AbortSignal.any([ctx.signal, replaced.signal]);
  while (!stop.aborted) {
    announcedSinceClaim = false;
    let claimed: RunRow | undefined;
    // Each claim is a new attempt with its own token: only it may write the run from then on.
    const attempt = newAttempt(me);
    try {
      if (Date.now() - reapedAt >= REAP_EVERY_MS) {
        if (store.replacedOnDisk()) {
          replaced.abort();
          break;
        }
        await reapAbandonedRuns(store);
        await store.workers.seen(presence, new Date().toISOString());
        reapedAt = Date.now();
      }
      claimed =
        active.size < concurrency
          ? await store.queue.claimNext(attempt, new Date().toISOString())
          : undefined;
      failures = 0;
    } catch (err) {
      // The database locked or out of reach for a while: the runs in progress go on, and so does
      // the worker, trying again less and less often.
      failures++;
      const wait = Math.min(POLL_MS * 2 ** (failures - 1), MAX_BACKOFF_MS);
      ctx.output.warn(
        `cannot take runs from the database (trying again in ${wait / 1000} s): ${databaseErrorMessage(err)}`,
      );
      await sleep(wait, undefined, { signal: stop }).catch(() => {});
      continue;
    }
    if (claimed) {
      const running: Promise<void> = carryOut(ctx, store, claimed, attempt, stop).finally(() =>
        active.delete(running),
      );
      active.add(running);
      continue;
    }
    // Nothing to take (or no room): wait for a queued run, a run to end, the next poll, or the stop.
    if (announcedSinceClaim && active.size < concurrency) continue;
    const waited = new AbortController();
    const announced = new Promise<void>((resolve) => {
      wake = resolve;
    });
    await Promise.race([
      announced,
      sleep(POLL_MS, undefined, { signal: AbortSignal.any([stop, waited.signal]) }).catch(() => {}),
      ...active,
    ]);
    waited.abort();
    wake = () => {};
  }
  await stopListening();
  await Promise.allSettled(active);
  await store.workers.gone(presence.id).catch(() => {});
  if (replaced.signal.aborted) throw databaseReplacedError(store);
  ctx.output.info(`gagent worker ${name} stopped`);
  return 0;
};
