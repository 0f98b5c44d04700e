/**
 * Persists a run as it happens: the run row at start, each step as it finishes, the end state.
 * gagent's own secrets are redacted before anything is written (a model or a tool may echo a key).
 */
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

export function historyWriter(store: Store, redactor: Redactor): (event: RunEvent) => void {
  const written = new Set<RunEvent['type']>(['run_started', 'step_finished', 'run_finished']);
  let heartbeat: NodeJS.Timeout | undefined;
  return (raw) => {
    if (!written.has(raw.type)) return;
    const event = redactValue(raw, redactor);
    switch (event.type) {
      case 'run_started': {
        store.runs.create({
          id: event.runId,
          userId: event.user,
          task: event.task,
          model: event.model,
          controller: event.controller,
          startedAt: event.at,
          ...thisProcess(),
        });
        const id = event.runId;
        heartbeat = setInterval(() => store.runs.heartbeat(id, new Date().toISOString()), HEARTBEAT_MS);
        heartbeat.unref();
        return;
      }
      case 'step_finished':
        store.runs.saveStep({
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
        clearInterval(heartbeat);
        store.runs.finish(event.runId, STATUS[event.status], event.summary, event.at);
        return;
      default:
        return;
    }
  };
}
