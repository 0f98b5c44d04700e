import { afterEach, describe, expect, it } from 'vitest';
import { McpSessionError } from '../../src/mcp/errors.js';
import { McpSession } from '../../src/mcp/session.js';
import { startFakeGmail, startFakeWeather } from '../fakes/mcp/providers.js';
import { type FakeMcpServer, startFakeMcpServer } from '../fakes/mcp/server.js';

const servers: FakeMcpServer[] = [];
const sessions: McpSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An endpoint reached by Streamable HTTP alone, as these tests are about that transport. */
function http(url: string | URL, headers: Record<string, string> = {}) {
  return { kind: 'http', url: url.toString(), headers, mode: 'http' } as const;
}

async function open(
  server: FakeMcpServer,
  extra: Partial<Parameters<typeof McpSession.open>[0]> & { headers?: Record<string, string> } = {},
) {
  const { headers, ...rest } = extra;
  const session = await McpSession.open({ name: 'test', endpoint: http(server.url, headers), ...rest });
  sessions.push(session);
  return session;
}

describe('McpSession', () => {
  it('reuses one session for many calls and terminates it on close', async () => {
    const gmail = await startFakeGmail();
    servers.push(gmail);
    const session = await open(gmail);
    const id = session.sessionId;
    for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) {
      const result = await session.callTool('GMAIL_SEND_EMAIL', { recipient_email: to });
      expect(result.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringContaining(`Email sent to ${to}`),
      });
    }
    expect(session.sessionId).toBe(id);
    expect(gmail.sessionCount()).toBe(1);
    expect(gmail.sent.map((m) => m.recipient_email)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    await session.close();
    expect(gmail.sessionCount()).toBe(0);
  });

  it('returns a tool error as data, not as an exception', async () => {
    const gmail = await startFakeGmail();
    servers.push(gmail);
    const result = await (await open(gmail)).callTool('GMAIL_SEND_EMAIL', { recipient_email: 'nobody' });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('Invalid recipient_email');
  });

  it('lets progress notifications keep a long call alive, and times out a silent one', async () => {
    const weather = await startFakeWeather();
    servers.push(weather);
    const session = await open(weather, { callTimeoutMs: 1000 });
    // 4 × 400 ms exceeds the 1 s timeout; each progress notification resets it.
    const long = await session.callTool('slow_report', { steps: 4, stepMs: 400 });
    expect(long.content[0]).toMatchObject({ text: 'report done after 4 steps' });
    const silent = session.callTool('slow_report', { steps: 1, stepMs: 2500 });
    await expect(silent).rejects.toMatchObject({ kind: 'timeout', exitCode: 4 });
  });

  it('reconnects once, transparently, when the server lost the session', async () => {
    const gmail = await startFakeGmail();
    servers.push(gmail);
    const session = await open(gmail);
    const first = session.sessionId;
    await gmail.dropSessions();
    const result = await session.callTool('GMAIL_SEND_EMAIL', { recipient_email: 'after@example.com' });
    expect(result.isError).toBeFalsy();
    expect(session.sessionId).not.toBe(first);
    expect(gmail.sessionCount()).toBe(1);
    expect(gmail.sent).toHaveLength(1);
  });

  it('follows tools/list pagination and skips tools with broken schemas, with a warning', async () => {
    const warnings: string[] = [];
    const weather = await startFakeWeather({
      pageSize: 1,
      rawTools: [
        { name: 'broken_schema', inputSchema: { type: 'string' } },
        { name: 'no schema at all' },
        { name: 'fine_raw', inputSchema: { type: 'object' } },
      ],
    });
    servers.push(weather);
    const tools = await (await open(weather, { warn: (m) => warnings.push(m) })).listTools();
    expect(tools.map((t) => t.name)).toEqual(['get_forecast', 'slow_report', 'fine_raw']);
    expect(warnings.join('\n')).toContain('broken_schema');
    expect(warnings.join('\n')).toContain('no schema at all');
  });

  it('reports a 401 as unauthorized (exit 3) and a refusing server as a failure', async () => {
    const locked = await startFakeGmail({ bearer: 'right-token' });
    const refusing = await startFakeMcpServer({ tools: [], refuse: true });
    servers.push(locked, refusing);
    await expect(
      McpSession.open({ name: 'locked', endpoint: http(locked.url.toString()) }),
    ).rejects.toMatchObject({
      kind: 'unauthorized',
      exitCode: 3,
    });
    const ok = await open(locked, { headers: { Authorization: 'Bearer right-token' } });
    expect((await ok.listTools()).length).toBe(2);
    await expect(
      McpSession.open({ name: 'refusing', endpoint: http(refusing.url.toString()) }),
    ).rejects.toBeInstanceOf(McpSessionError);
    await expect(
      McpSession.open({ name: 'refusing', endpoint: http(refusing.url.toString()) }),
    ).rejects.toMatchObject({
      kind: 'unreachable',
    });
  });

  it('reports a closed port as unreachable (exit 4)', async () => {
    const gone = await startFakeGmail();
    const url = gone.url.toString();
    await gone.close();
    await expect(McpSession.open({ name: 'gone', endpoint: http(url) })).rejects.toMatchObject({
      kind: 'unreachable',
      exitCode: 4,
    });
  });
});
