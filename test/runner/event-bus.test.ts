import { describe, expect, it } from 'vitest';
import { RunEventBus } from '../../src/runner/event-bus.js';
import type { RunEvent } from '../../src/runner/events.js';

describe('the run event bus', () => {
  it('isolates a consumer that throws: the others get every event, the failure is reported once', () => {
    const reported: unknown[] = [];
    const bus = new RunEventBus('run_1', (err) => reported.push(err));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('disk full');
    });
    bus.subscribe((e: RunEvent) => seen.push(e.type));
    bus.emit({ type: 'step_started', step: 0 });
    bus.emit({ type: 'warning', message: 'x' });
    expect(seen).toEqual(['step_started', 'warning']);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe('disk full');
  });
});
