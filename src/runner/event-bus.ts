/**
 * Stamps events with the run id and time and hands them to every consumer (TUI, JSONL, history).
 * A consumer that throws is isolated: the others still get the event, the run goes on, and the
 * failure is reported once per consumer.
 */
import type { RunEvent, RunEventBody, RunEventListener } from './events.js';

export class RunEventBus {
  private readonly listeners = new Set<RunEventListener>();
  private readonly reported = new Set<RunEventListener>();

  constructor(
    readonly runId: string,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(body: RunEventBody): RunEvent {
    const event = { ...body, runId: this.runId, at: new Date().toISOString() } as RunEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        if (this.reported.has(listener)) continue;
        this.reported.add(listener);
        this.onListenerError(err);
      }
    }
    return event;
  }
}
