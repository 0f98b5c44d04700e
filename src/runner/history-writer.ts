/**
 * Persists a run as it happens: the run row at start, each step as it finishes, the end state.
 * gagent's own secrets are redacted before anything is written (a model or a tool may echo a key).
 * Writes go out in event order, one after another, off the step's path; `flush()` waits for them
 * (the step loop after each step, the command before the database closes). A write that fails for
 * a moment (the database busy or its connection lost) is tried again. One that keeps failing, or
 * finds the run is no longer this attempt's, loses the history: `lost` says why, and the run stops
 * (step-loop.ts). Its end state is still tried — on a full SQLite disk in the room kept back for it
 * (disk-reserve.ts); if even that fails, one warning says so, and the run reads interrupted once
 * its process is gone (its heartbeat stops with the run).
 */
import { type Redactor, redactValue } from '../redact.js';
import { databaseErrorMessage, diskFullCode, isTransientDbError } from '../store/db-errors.js';
import type { RunOwner } from '../store/run-owner.js';
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
/** Once the history is lost, the end state gets a few quick tries more (the run has stopped). */
const END_AFTER_LOSS_DELAYS_MS = [500, 1_000, 2_000];

export interface HistoryWriterOptions {
  store: Store;
  redactor: Redactor;
  /** This attempt at the run: its writes land only while the run is still its own. */
  owner: RunOwner;
  /** Said when the end of the run could not be recorded (the loss itself is the run's end summary). */
  warn(message: string): void;
}

class Superseded extends Error {}

const SUPERSEDED = 'it was given up for dead and is no longer this process’s to record';

/** Why a write failed, for the run's end summary and the warning. */
function failureReason(err: unknown): string {
  const full = diskFullCode(err);
  return full ? `the disk is full (${full})` : databaseErrorMessage(err);
}

export class HistoryWriter {
  private written: Promise<void> = Promise.resolve();
  private why: string | null = null;
  private superseded = false;
  private diskFull = false;

  constructor(private readonly options: HistoryWriterOptions) {}

  /** The bus listener. */
  readonly record = (raw: RunEvent): void => {
    if (!WRITTEN.has(raw.type)) return;
    const event = redactValue(raw, this.options.redactor);
    this.written = this.written.then(() => this.save(event));
  };

  /**
   * Why the history is no longer written ("its history could not be saved: the disk is full
   * (SQLITE_FULL)"), or null while it is.
   */
  get lost(): string | null {
    return this.why;
  }

  /** Resolves once everything recorded so far is written (or given up). */
  flush(): Promise<void> {
    return this.written;
  }

  private async save(event: RunEvent): Promise<void> {
    const end = event.type === 'run_finished';
    // After a loss nothing more of the run is written but how it ended (not at all if it is not ours).
    if (this.why !== null && (!end || this.superseded)) return;
    try {
      await this.attempt(event);
    } catch (err) {
      const first = this.why === null;
      if (first) this.lose(err);
      if (!end) return;
      let last = err;
      if (first && !this.superseded) {
        // The end write was the first to fail: one more round, now with the room kept back.
        try {
          return await this.attempt(event);
        } catch (again) {
          last = again;
        }
      }
      this.options.warn(
        last instanceof Superseded
          ? `how the run ended was not saved: ${SUPERSEDED}.`
          : `how the run ended could not be saved (${failureReason(last)}); gagent marks it interrupted once this process has ended or its heartbeat is a minute old.`,
      );
    }
  }

  private attempt(event: RunEvent): Promise<void> {
    if (this.why === null) return withRetries(() => this.write(event), RETRY_DELAYS_MS, isTransientDbError);
    // The end state after a loss: a full disk may hold it in the reserve, a lost connection come back.
    if (this.diskFull) this.options.store.freeReserve();
    return withRetries(
      () => this.write(event),
      END_AFTER_LOSS_DELAYS_MS,
      (err) => !(err instanceof Superseded),
    );
  }

  private lose(err: unknown): void {
    this.superseded = err instanceof Superseded;
    this.diskFull = diskFullCode(err) !== null;
    this.why = this.superseded ? SUPERSEDED : `its history could not be saved: ${failureReason(err)}`;
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

async function withRetries(
  write: () => Promise<void>,
  delays: readonly number[],
  retryable: (err: unknown) => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      const delay = delays[attempt];
      if (delay === undefined || !retryable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
