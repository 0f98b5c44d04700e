import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../src/runner/events.js';
import { loadRunView } from '../../src/tui/load-view.js';

// Loaded the way `gagent run` loads them, so the view draws live frames even where CI is set.
let render: typeof import('ink-testing-library').render;
let RunApp: Awaited<ReturnType<typeof loadRunView>>['RunApp'];
beforeAll(async () => {
  ({ RunApp } = await loadRunView());
  ({ render } = await import('ink-testing-library'));
});

type Listener = (event: RunEvent) => void;

function eventFeed() {
  const listeners = new Set<Listener>();
  return {
    subscribe: (listener: Listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: RunEventBody) => {
      for (const l of listeners) l({ runId: 'run_1', at: new Date().toISOString(), ...event } as RunEvent);
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RunApp', () => {
  it('tells GUI steps from MCP steps and shows what the MCP call returned', async () => {
    const feed = eventFeed();
    const app = render(<RunApp subscribe={feed.subscribe} onApproval={() => {}} onInterrupt={() => {}} />);
    feed.emit({
      type: 'run_started',
      task: 'send Bob the report',
      user: 'alice',
      model: 'openai:test',
      groundingModel: null,
      controller: 'browser',
      maxSteps: 10,
      reflection: true,
      mcpActions: ['gmail_send_email'],
      mcpServers: [
        { name: 'gmail', state: 'ready', tools: 2 },
        { name: 'slack', state: 'connecting', tools: 0 },
      ],
    });
    feed.emit({
      type: 'step_finished',
      step: 0,
      kind: 'gui',
      plan: 'Open the reports.',
      action: { name: 'click', args: { element_description: 'the Reports tab' } },
      outcome: {
        type: 'screen',
        action: { type: 'click', at: { x: 1, y: 2 }, clicks: 1, button: 'left', holdKeys: [] },
        ok: true,
      },
      approval: null,
      durationMs: 1200,
      modelMs: 900,
      mcp: { calls: 0, errors: 0, denied: 0, history: 0 },
    });
    feed.emit({
      type: 'step_finished',
      step: 1,
      kind: 'mcp',
      plan: 'Send it.',
      action: { name: 'gmail_send_email', args: { recipient_email: 'bob@example.com' } },
      outcome: {
        type: 'mcp',
        provider: 'gmail',
        tool: 'GMAIL_SEND_EMAIL',
        args: { recipient_email: 'bob@example.com' },
        resultText: 'message id m_42 sent',
        isError: false,
        durationMs: 85,
      },
      approval: { approved: true, by: 'user' },
      durationMs: 900,
      modelMs: 700,
      mcp: { calls: 1, errors: 0, denied: 0, history: 1 },
    });
    await tick();
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('send Bob the report');
    expect(frame).toMatch(/gmail ready \(2 tools\) · slack connecting/);
    expect(frame).toMatch(/GUI .*click\(element_description="the Reports tab"\)/);
    expect(frame).toMatch(/MCP .*gmail_send_email\(recipient_email="bob@example.com"\)/);
    expect(frame).toContain('MCP gmail · GMAIL_SEND_EMAIL');
    expect(frame).toContain('message id m_42 sent');
    app.unmount();
  });

  it("shows the reviewer's verdict under the step it judges, not under the next one", async () => {
    const feed = eventFeed();
    const app = render(<RunApp subscribe={feed.subscribe} onApproval={() => {}} onInterrupt={() => {}} />);
    feed.emit({
      type: 'run_started',
      task: 'open the reports',
      user: 'alice',
      model: 'openai:test',
      groundingModel: null,
      controller: 'browser',
      maxSteps: 10,
      reflection: true,
      mcpActions: [],
      mcpServers: [],
    });
    const finished = (step: number, target: string) =>
      feed.emit({
        type: 'step_finished',
        step,
        kind: 'gui',
        plan: null,
        action: { name: 'click', args: { element_description: target } },
        outcome: {
          type: 'screen',
          action: { type: 'click', at: { x: 1, y: 2 }, clicks: 1, button: 'left', holdKeys: [] },
          ok: true,
        },
        approval: null,
        durationMs: 1000,
        modelMs: 900,
        mcp: { calls: 0, errors: 0, denied: 0, history: 0 },
      });
    finished(0, 'the Help tab');
    feed.emit({ type: 'step_started', step: 1 });
    feed.emit({ type: 'thinking', step: 1, phase: 'reflection' });
    feed.emit({ type: 'reflection', step: 0, text: 'Case 1: off track, Help is not Reports' });
    feed.emit({ type: 'thinking', step: 1, phase: 'plan' });
    finished(1, 'the Reports tab');
    feed.emit({ type: 'step_started', step: 2 });
    feed.emit({ type: 'thinking', step: 2, phase: 'reflection' });
    feed.emit({ type: 'reflection', step: 1, text: 'Case 2: on track' });
    feed.emit({ type: 'thinking', step: 2, phase: 'plan' });
    await tick();
    const lines = (app.lastFrame() ?? '').split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const first = at(/ 1\s+GUI .*the Help tab/);
    const offTrack = at(/reflection: off track — off track, Help is not Reports/);
    const second = at(/ 2\s+GUI .*the Reports tab/);
    const onTrack = at(/reflection: on track/);
    expect([first, offTrack, second, onTrack].every((i) => i >= 0)).toBe(true);
    expect(first < offTrack && offTrack < second && second < onTrack).toBe(true);
    expect(lines.filter((line) => line.includes('reflection:'))).toHaveLength(2);
    app.unmount();
  });

  const askSlack = (args: Record<string, unknown>, changes: string[] = []) => ({
    type: 'approval_requested' as const,
    step: 0,
    action: 'slack_send_message',
    provider: 'slack',
    tool: 'SLACK_SEND_MESSAGE',
    args,
    schemaOrder: ['channel', 'markdown_text'],
    destructive: false,
    changes,
  });

  it('asks before an MCP tool: y allows once, a always, n and Enter deny', async () => {
    for (const [key, expected] of [
      ['y', 'once'],
      ['a', 'always'],
      ['n', 'deny'],
      ['\r', 'deny'],
    ] as const) {
      const feed = eventFeed();
      const answers: string[] = [];
      const app = render(
        <RunApp subscribe={feed.subscribe} onApproval={(a) => answers.push(a)} onInterrupt={() => {}} />,
      );
      feed.emit(askSlack({ channel: 'team', markdown_text: 'hi' }));
      await tick();
      const frame = app.lastFrame() ?? '';
      expect(frame).toContain('Allow the MCP tool SLACK_SEND_MESSAGE on slack?');
      expect(frame).toMatch(/y allow once · a always allow this tool · n deny\s+\(Enter denies\)/);
      app.stdin.write(key);
      await tick();
      expect(answers).toEqual([expected]);
      app.unmount();
    }
  });

  it('shows every argument in the schema order, folds a long one with what is hidden, and v shows it all', async () => {
    const feed = eventFeed();
    const app = render(<RunApp subscribe={feed.subscribe} onApproval={() => {}} onInterrupt={() => {}} />);
    // The model put a long text first to push the channel out of view; the schema order puts it first.
    const long = `${'x'.repeat(2000)}ZZTAIL`;
    feed.emit(askSlack({ markdown_text: long, channel: 'eve-exfiltration' }));
    await tick();
    const folded = (app.lastFrame() ?? '').replace(/[║│]/g, ' ').replace(/\s+/g, ' ');
    expect(folded.indexOf('channel')).toBeLessThan(folded.indexOf('markdown_text'));
    expect(folded).toContain('"eve-exfiltration"');
    expect(folded).toMatch(/\+\d+ more characters \(press v to view\)/);
    expect(folded).not.toContain('ZZTAIL');
    app.stdin.write('v');
    await tick();
    const full = (app.lastFrame() ?? '').replace(/[\s│║]/g, '');
    expect(full).toContain('ZZTAIL"');
    expect(full).not.toContain('morecharacters');
    app.unmount();
  });

  it('says what changed when a remembered tool changed, and drops the previous MCP panel', async () => {
    const feed = eventFeed();
    const app = render(<RunApp subscribe={feed.subscribe} onApproval={() => {}} onInterrupt={() => {}} />);
    feed.emit({
      type: 'step_finished',
      step: 0,
      kind: 'mcp',
      plan: null,
      action: { name: 'gmail_fetch_emails', args: {} },
      outcome: {
        type: 'mcp',
        provider: 'gmail',
        tool: 'GMAIL_FETCH_EMAILS',
        args: {},
        resultText: 'three emails from carol',
        isError: false,
        durationMs: 3,
      },
      approval: { approved: true, by: 'read-only' },
      durationMs: 5,
      modelMs: 1,
      mcp: { calls: 1, errors: 0, denied: 0, history: 1 },
    });
    await tick();
    expect(app.lastFrame()).toContain('MCP gmail · GMAIL_FETCH_EMAILS');
    feed.emit(askSlack({ channel: 'team', markdown_text: 'hi' }, ['its description changed']));
    await tick();
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('it has changed since: its description changed');
    expect(frame).not.toContain('MCP gmail · GMAIL_FETCH_EMAILS');
    app.unmount();
  });

  it('strips terminal escape sequences from untrusted tool output', async () => {
    const feed = eventFeed();
    const app = render(<RunApp subscribe={feed.subscribe} onApproval={() => {}} onInterrupt={() => {}} />);
    feed.emit({
      type: 'step_finished',
      step: 0,
      kind: 'mcp',
      plan: null,
      action: { name: 'x_tool', args: {} },
      outcome: {
        type: 'mcp',
        provider: 'x',
        tool: 'tool',
        args: {},
        resultText: 'ok\u001b]0;pwned\u0007\u001b[2Jclean',
        isError: false,
        durationMs: 1,
      },
      approval: { approved: true, by: 'flag' },
      durationMs: 1,
      modelMs: 0,
      mcp: { calls: 1, errors: 0, denied: 0, history: 1 },
    });
    await tick();
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('okclean');
    expect(frame).not.toContain('pwned');
    app.unmount();
  });

  it('ends with a summary that names the run', async () => {
    const feed = eventFeed();
    const app = render(<RunApp subscribe={feed.subscribe} onApproval={() => {}} onInterrupt={() => {}} />);
    feed.emit({
      type: 'run_finished',
      status: 'failed',
      summary: 'the agent called fail()',
      steps: 3,
      exitCode: 5,
      durationMs: 4200,
    });
    await tick();
    expect(app.lastFrame()).toContain('Failed: the agent called fail()');
    expect(app.lastFrame()).toContain('gagent runs show run_1');
  });
});
