/** Stamps events with the run id and time and hands them to every consumer (TUI, JSONL, history). */
import type { RunEvent, RunEventBody, RunEventListener } from './events.js';

export class RunEventBus {
  private readonly listeners = new Set<RunEventListener>();

  constructor(readonly runId: string) {}

  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(body: RunEventBody): RunEvent {
    const event = { ...body, runId: this.runId, at: new Date().toISOString() } as RunEvent;
    for (const listener of this.listeners) listener(event);
    return event;
  }
}
