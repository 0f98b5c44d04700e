import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/report/html.js';
import { markedPoints } from '../../src/report/markers.js';
import { renderTrajectory } from '../../src/report/trajectory.js';
import type { StoredScreenshot } from '../../src/store/artifacts.js';
import type { RunRow, RunStepRow } from '../../src/store/runs.js';

const HOSTILE = '</title><script>alert(1)</script><style>body{display:none}</style>\u001b[31m\u0000';

const run: RunRow = {
  id: 'run_test',
  userId: 'alice',
  task: HOSTILE,
  status: 'done',
  model: 'openai:m',
  controller: 'browser',
  startedAt: '2026-11-25T10:00:00.000Z',
  finishedAt: '2026-11-25T10:00:12.500Z',
  summary: 'Done.',
  pid: 1,
  host: 'h',
  pidScope: null,
  owner: null,
  cancelRequestedAt: null,
  exitCode: 0,
  heartbeatAt: null,
  queuedAt: null,
  options: null,
  retried: 0,
  idempotencyKey: null,
};

const step = (idx: number, rest: Partial<RunStepRow>): RunStepRow => ({
  runId: 'run_test',
  idx,
  kind: 'gui',
  plan: null,
  action: null,
  outcome: null,
  reflection: null,
  durationMs: 10,
  approval: null,
  ...rest,
});

const shot = (idx: number): StoredScreenshot => ({
  runId: 'run_test',
  idx,
  kind: 'screenshot',
  mediaType: 'image/webp',
  width: 640,
  height: 400,
  screenWidth: 1280,
  screenHeight: 800,
  bytes: 4,
  data: Buffer.from('webp'),
  createdAt: '2026-11-25T10:00:01.000Z',
});

function render() {
  return renderTrajectory({
    run,
    steps: [
      step(0, {
        plan: HOSTILE,
        action: { name: 'drag_and_drop', args: { starting_description: HOSTILE } },
        outcome: {
          type: 'screen',
          ok: true,
          action: { type: 'drag', from: { x: 10, y: 20 }, to: { x: 300, y: 400 }, holdKeys: [] },
        },
        reflection: 'Case 1: off track — the drag missed.',
      }),
      step(1, {
        kind: 'mcp',
        action: { name: 'x_tool', args: { q: HOSTILE } },
        outcome: {
          type: 'mcp',
          provider: 'x',
          tool: 'tool',
          args: {},
          resultText: HOSTILE,
          isError: true,
          durationMs: 3,
        },
        approval: { approved: true, by: 'user', remembered: true },
      }),
    ],
    screenshots: [shot(0)],
    version: '9.9.9',
    generatedAt: 'now',
  });
}

describe('the trajectory report', () => {
  it('escapes every text from the run: the only script and style are its own, allowed by hash', () => {
    const html = render();
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('\u0000');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    const inline = (tag: string) => html.split(`<${tag}>`)[1]?.split(`</${tag}>`)[0] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src ${hash(inline('script'))}`);
    expect(policy).toContain(`style-src ${hash(inline('style'))}`);
  });

  it('draws the picture in screen coordinates with markers at the recorded points', () => {
    const html = render();
    expect(html).toContain('<svg viewBox="0 0 1280 800"');
    expect(html).toContain('data-kind="drag-start" data-x="10" data-y="20"');
    expect(html).toContain('data-kind="drag-end" data-x="300" data-y="400"');
    expect(html).toContain('<line x1="10" y1="20" x2="300" y2="400"');
    expect(html).toContain('class="verdict off_track"');
    expect(html).toContain('allowed by the user (always)');
    expect(html).toContain('<pre class="result error">');
  });

  it('marks the points each kind of action touched', () => {
    expect(markedPoints({ type: 'hotkey', keys: ['ctrl', 'c'] })).toEqual([]);
    expect(markedPoints({ type: 'type', text: 'x', overwrite: false, enter: false })).toEqual([]);
    expect(markedPoints({ type: 'scroll', at: { x: 5, y: 6 }, clicks: 3, horizontal: false })).toEqual([
      { kind: 'scroll', at: { x: 5, y: 6 } },
    ]);
    expect(escapeHtml(`a"b'c&<>`)).toBe('a&quot;b&#39;c&amp;&lt;&gt;');
  });
});
