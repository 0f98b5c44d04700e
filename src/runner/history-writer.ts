/**
 * Persists a run as it happens: the run row at start, each step as it finishes, the end state.
 * gagent's own secrets are redacted before anything is written (a model or a tool may echo a key).
 * Writes go out in event order, one after another, off the step's path; `flush()` waits for them
 * (the command calls it before the database closes). A write that fails for a moment (the
 * database busy or its connection lost) is tried again; one that keeps failing, or finds the run
 * is no longer this attempt's, ends the history with one warning, and `lost` says so.
 */
import { type Redactor, redactValue } from '../redact.js';
import { databaseErrorMessage, isTransientDbError } from '../store/db-errors.js';
import type { RunOwner } from '../store/runs.js';
import type { Store } from '../store/store.js';
import type { RunEvent } from './events.js';

const STATUS = {
  done: 'done',
  failed: 'failed',
  max_steps: 'max_steps',
  interrupted: 'interrupted',
  error: 'error',
  cancelled: 'cancelled',
} as const;

const WRITTEN = new Set<RunEvent['type']>(['run_started', 'step_finished', 'reflection', 'run_finished']);

/** Waits between tries of a write that failed for a moment: about half a minute in all. */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 15_000];

export interface HistoryWriterOptions {
  store: Store;
  redactor: Redactor;
  /** This attempt at the run: its writes land only while the run is still its own. */
  owner: RunOwner;
  warn(message: string): void;
  /** Called once when the history can no longer be written, with why. */
  lost?(reason: string): void;
}

class Superseded extends Error {}

export class HistoryWriter {
  private written: Promise<void> = Promise.resolve();
  private broken = false;

  constructor(private readonly options: HistoryWriterOptions) {}

  /** The bus listener. */
  readonly record = (raw: RunEvent): void => {
    if (!WRITTEN.has(raw.type)) return;
    const event = redactValue(raw, this.options.redactor);
    this.enqueue(() => this.write(event));
  };

  /** True once the history is no longer written (given up, or the run is not this attempt's). */
  get lost(): boolean {
    return this.broken;
  }

  /** Resolves once everything recorded so far is written (or given up). */
  flush(): Promise<void> {
    return this.written;
  }

  private enqueue(write: () => Promise<void>): void {
    this.written = this.written.then(async () => {
      if (this.broken) return;
      try {
        await withRetries(write);
      } catch (err) {
        this.broken = true;
        const reason =
          err instanceof Superseded
            ? 'the run was given up for dead and is no longer this process’s to record'
            : databaseErrorMessage(err);
        this.options.warn(`the run's history could not be saved from here on: ${reason}`);
        this.options.lost?.(reason);
      }
    });
  }

  private async write(event: RunEvent): Promise<void> {
    const { store, owner } = this.options;
    let owned = true;
    switch (event.type) {
      case 'run_started':
        owned = await store.runs.create(
          {
            id: event.runId,
            userId: event.user,
            task: event.task,
            model: event.model,
            controller: event.controller,
            startedAt: event.at,
          },
          owner,
        );
        break;
      case 'step_finished':
        owned = await store.runs.saveStep(
          {
            runId: event.runId,
            idx: event.step,
            kind: event.kind,
            plan: event.plan,
            action: event.action,
            outcome: event.outcome,
            reflection: null,
            approval: event.approval,
            durationMs: event.durationMs,
          },
          owner,
        );
        break;
      case 'reflection':
        // The verdict arrives as the next step begins; the step it judges is saved by then.
        owned = await store.runs.saveReflection(event.runId, event.step, event.text, owner);
        break;
      case 'run_finished':
        owned = await store.runs.finish(
          event.runId,
          STATUS[event.status],
          event.summary,
          event.at,
          owner,
          event.exitCode,
        );
        break;
      default:
        return;
    }
    if (!owned) throw new Superseded();
  }
}

async function withRetries(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isTransientDbError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
