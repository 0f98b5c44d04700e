/**
 * gagent run --submit --wait: follows a submitted run from this terminal until it ends, printing
 * each step as its worker saves it, and ends with the run's own exit code. Ctrl+C stops following
 * (exit 130); the run goes on with its worker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode } from '../errors.js';
import { oneLine } from '../format.js';
import { describeAction, describeOutcome } from '../report/describe-step.js';
import type { RunRow } from '../store/runs.js';
import type { Store } from '../store/store.js';
import type { CommandContext } from './context.js';

const POLL_MS = 500;

/** The exit code of a run that ended, as `gagent run` would have exited. */
function exitCodeOf(run: RunRow): number {
  if (run.exitCode !== null) return run.exitCode;
  switch (run.status) {
    case 'done':
      return ExitCode.Ok;
    case 'failed':
      return ExitCode.RunFailed;
    case 'max_steps':
      return ExitCode.MaxSteps;
    case 'interrupted':
    case 'cancelled':
      return ExitCode.Interrupted;
    default:
      return ExitCode.Failure;
  }
}

export async function followRun(ctx: CommandContext, store: Store, runId: string): Promise<number> {
  const user = ctx.config.user;
  const out = ctx.output;
  let shown = 0;
  let announced = false;
  for (;;) {
    const run = await store.runs.get(user, runId);
    if (!run) {
      out.info(`gagent: ${runId} is gone: it was deleted while it was followed.`);
      return ExitCode.Failure;
    }
    if (run.status !== 'queued' && !announced) {
      announced = true;
      if (out.json) out.jsonLine({ type: 'run_claimed', runId, worker: `${run.host}:${run.pid}` });
      else out.info(`${runId}: started by the worker on ${run.host} (pid ${run.pid})`);
    }
    const steps = (await store.runs.steps(runId)).filter((s) => s.idx >= shown);
    for (const step of steps) {
      if (out.json)
        out.jsonLine({
          type: 'step',
          runId,
          step: step.idx + 1,
          kind: step.kind,
          action: step.action,
          outcome: step.outcome,
        });
      else
        out.text(
          `${String(step.idx + 1).padStart(3)}. [${step.kind === 'mcp' ? 'MCP' : 'GUI'}] ${describeAction(step.action)} — ${oneLine(describeOutcome(step.outcome), 100)}`,
        );
      shown = step.idx + 1;
    }
    if (!['queued', 'running'].includes(run.status)) {
      const exitCode = exitCodeOf(run);
      if (out.json)
        out.jsonLine({ type: 'run_finished', runId, status: run.status, summary: run.summary, exitCode });
      else out.text(`${run.status}: ${run.summary ?? ''}`);
      return exitCode;
    }
    try {
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
    } catch {
      out.info(`gagent: stopped following ${runId}; it goes on with its worker (gagent runs show ${runId}).`);
      return ExitCode.Interrupted;
    }
  }
}
