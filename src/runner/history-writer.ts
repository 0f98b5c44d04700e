/**
 * Persists a run as it happens: the run row at start, each step as it finishes, the end state.
 * gagent's own secrets are redacted before anything is written (a model or a tool may echo a key).
 * Writes go out in event order, one after another, off the step's path; `flush()` waits for them
 * (the command calls it before the database closes). A write that fails is reported once, and
 * the run goes on: its history is what could be written.
 */
import { errorMessage } from '../errors.js';
import { type Redactor, redactValue } from '../redact.js';
import type { Store } from '../store/store.js';
import type { RunEvent } from './events.js';
import { HEARTBEAT_MS, thisProcess } from './liveness.js';

const STATUS = {
  done: 'done',
  failed: 'failed',
  max_steps: 'max_steps',
  interrupted: 'interrupted',
  error: 'error',
} as const;

const WRITTEN = new Set<RunEvent['type']>(['run_started', 'step_finished', 'run_finished']);

export class HistoryWriter {
  private written: Promise<void> = Promise.resolve();
  private broken = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly redactor: Redactor,
    private readonly warn: (message: string) => void,
  ) {}

  /** The bus listener. */
  readonly record = (raw: RunEvent): void => {
    if (!WRITTEN.has(raw.type)) return;
    const event = redactValue(raw, this.redactor);
    this.enqueue(() => this.write(event));
  };

  /** Resolves once everything recorded so far is written (or given up). */
  flush(): Promise<void> {
    return this.written;
  }

  private enqueue(write: () => Promise<void>): void {
    this.written = this.written.then(async () => {
      if (this.broken) return;
      try {
        await write();
      } catch (err) {
        this.broken = true;
        clearInterval(this.heartbeat);
        this.warn(`the run's history could not be saved from here on: ${errorMessage(err)}`);
      }
    });
  }

  private async write(event: RunEvent): Promise<void> {
    const { runs } = this.store;
    switch (event.type) {
      case 'run_started': {
        await runs.create({
          id: event.runId,
          userId: event.user,
          task: event.task,
          model: event.model,
          controller: event.controller,
          startedAt: event.at,
          ...thisProcess(),
        });
        const id = event.runId;
        this.heartbeat = setInterval(
          () => void runs.heartbeat(id, new Date().toISOString()).catch(() => {}),
          HEARTBEAT_MS,
        );
        this.heartbeat.unref();
        return;
      }
      case 'step_finished':
        await runs.saveStep({
          runId: event.runId,
          idx: event.step,
          kind: event.kind,
          plan: event.plan,
          action: event.action,
          outcome: event.outcome,
          reflection: event.reflection,
          approval: event.approval,
          durationMs: event.durationMs,
        });
        return;
      case 'run_finished':
        clearInterval(this.heartbeat);
        await runs.finish(event.runId, STATUS[event.status], event.summary, event.at);
        return;
      default:
        return;
    }
  }
}
