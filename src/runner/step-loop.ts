/**
 * The step loop of a run: one agent step after another until done (0), fail (5), the step limit
 * (6), too many unusable replies in a row (1), or a history that can no longer be saved (1: no
 * step acts unrecorded). Each step is announced and its result emitted; a step still in progress
 * when the run is stopped is recorded as interrupted.
 */
import type { Agent } from '../agent/agent.js';
import type { ActionCall, StepKind } from '../domain/run.js';
import { ExitCode, InterruptedError } from '../errors.js';
import type { RunEventBus } from './event-bus.js';
import type { RunEndStatus } from './events.js';

/** Consecutive steps whose replies could not be used before the run gives up. */
const MAX_FORMAT_FAILURES = 3;

/** How a run whose history could not be saved ends (`why` from HistoryWriter.lost). */
export function historyLostEnd(steps: number, why: string): LoopEnd {
  return {
    status: 'error',
    exitCode: ExitCode.Failure,
    summary: `The run stopped after ${steps} step${steps === 1 ? '' : 's'} because ${why}.`,
  };
}

export interface LoopEnd {
  status: RunEndStatus;
  exitCode: number;
  summary: string;
}

interface InFlight {
  step: number;
  started: number;
  kind: StepKind;
  plan: string | null;
  action: ActionCall | null;
}

export class StepLoop {
  /** Steps finished so far. */
  completed = 0;
  private inFlight: InFlight | null = null;

  constructor(
    private readonly bus: RunEventBus,
    private readonly options: {
      maxSteps: number;
      signal: AbortSignal;
      /** Waits for what the step's events write (the history): a step shown is a step saved. */
      settled?: () => Promise<void>;
      /** Why the history can no longer be saved (null while it can): the run then stops at once. */
      historyLost?: () => string | null;
      /** Ends the run between steps (a worker asked to stop): the step in progress finishes first. */
      stop?: AbortSignal;
      /** Whether the run was cancelled (gagent runs cancel): asked before each step. */
      cancelRequested?: () => Promise<boolean>;
    },
  ) {}

  /** The index of the step being worked on (the next one between steps). */
  get current(): number {
    return this.inFlight?.step ?? this.completed;
  }

  /** What the step in progress is about to do. */
  notePlan(kind: StepKind, plan: string, action: ActionCall): void {
    if (this.inFlight) Object.assign(this.inFlight, { kind, plan, action });
  }

  async run(agent: Agent): Promise<LoopEnd> {
    let formatFailures = 0;
    for (let step = 0; step < this.options.maxSteps; step++) {
      if (this.options.signal.aborted) throw new InterruptedError();
      const lost = this.lostEnd();
      if (lost) return lost;
      if (this.options.stop?.aborted)
        return {
          status: 'interrupted',
          exitCode: ExitCode.Interrupted,
          summary: `Stopped after ${step} step${step === 1 ? '' : 's'}: its worker was asked to stop; the history is saved.`,
        };
      if (await this.cancelled())
        return {
          status: 'cancelled',
          exitCode: ExitCode.Interrupted,
          summary: `Cancelled after ${step} step${step === 1 ? '' : 's'} (gagent runs cancel); the history is saved.`,
        };
      this.inFlight = { step, started: performance.now(), kind: 'gui', plan: null, action: null };
      this.bus.emit({ type: 'step_started', step });
      const result = await agent.step(step, this.options.signal);
      this.inFlight = null;
      this.completed = step + 1;
      this.bus.emit({
        type: 'step_finished',
        step,
        kind: result.kind,
        plan: result.plan,
        action: result.action,
        outcome: result.outcome,
        approval: result.approval,
        durationMs: result.durationMs,
        modelMs: result.modelMs,
        mcp: result.mcp,
      });
      await this.options.settled?.();
      // First: a step whose record was lost ends the run as an error, even one that called done().
      const unsaved = this.lostEnd();
      if (unsaved) return unsaved;
      if (result.status === 'done')
        return {
          status: 'done',
          exitCode: ExitCode.Ok,
          summary: 'The agent called done(): the task is complete.',
        };
      if (result.status === 'fail')
        return {
          status: 'failed',
          exitCode: ExitCode.RunFailed,
          summary: 'The agent called fail(): it judged the task impossible.',
        };
      formatFailures = result.outcome.type === 'format_error' ? formatFailures + 1 : 0;
      if (formatFailures >= MAX_FORMAT_FAILURES) {
        return {
          status: 'error',
          exitCode: ExitCode.Failure,
          summary: `The model gave no usable action ${MAX_FORMAT_FAILURES} steps in a row (${result.outcome.type === 'format_error' ? result.outcome.reason : ''}).`,
        };
      }
    }
    return {
      status: 'max_steps',
      exitCode: ExitCode.MaxSteps,
      summary: `Stopped after ${this.options.maxSteps} steps without finishing; raise --max-steps to allow more.`,
    };
  }

  private lostEnd(): LoopEnd | null {
    const why = this.options.historyLost?.() ?? null;
    return why === null ? null : historyLostEnd(this.completed, why);
  }

  /** A cancel that cannot be read now (the database busy) is read again before the next step. */
  private async cancelled(): Promise<boolean> {
    try {
      return (await this.options.cancelRequested?.()) ?? false;
    } catch {
      return false;
    }
  }

  /** Records the step in progress, if any, as interrupted (so Ctrl+C never drops it from history). */
  recordInterrupted(agent: Agent | null): void {
    const step = this.inFlight;
    if (!step) return;
    this.inFlight = null;
    this.bus.emit({
      type: 'step_finished',
      step: step.step,
      kind: step.kind,
      plan: step.plan,
      action: step.action,
      outcome: { type: 'interrupted' },
      approval: null,
      durationMs: Math.round(performance.now() - step.started),
      modelMs: 0,
      mcp: agent?.mcpCounters() ?? { calls: 0, errors: 0, denied: 0, history: 0 },
    });
  }
}
