/**
 * The API's MCP server routes are `gagent mcp add|list|get|remove` over HTTP: per user (X-User-Id),
 * secrets redacted, bad bodies 400; a stdio server — a program the server would run — only where
 * the operator set GAGENT_ALLOW_STDIO=1.
 */
import { describe, expect, it } from 'vitest';
import { startFakeSseServer } from '../fakes/mcp/sse-server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, tempHome } from '../helpers/cli.js';
import { SERVE_TOKEN, serveApi, startServe } from '../helpers/serve.js';

const cleanups = cleanupAfterEach();

const HEADER_SECRET = 'api-header-SECRET-77b1';

describe('MCP servers through the API', () => {
  it('adds, lists, uses and removes a remote server per user; its header never shows', async () => {
    const legacy = cleanups.later(await startFakeSseServer());
    const { url } = await startServe(cliEnv(tempHome(), { GAGENT_SERVE_TOKEN: SERVE_TOKEN }), cleanups);
    const api = serveApi(url);
    const added = await api('POST', '/v1/mcp/servers', {
      user: 'ada',
      body: {
        name: 'legacy',
        url: legacy.url.toString(),
        headers: { 'X-Auth': HEADER_SECRET, Cookie: 'a=1; b=2' },
      },
    });
    expect(added.status, added.text).toBe(200);
    expect(added.json.server).toMatchObject({ name: 'legacy', headers: { 'X-Auth': '[REDACTED]' } });

    expect((await api('GET', '/v1/mcp/servers', { user: 'bob' })).json.servers).toEqual([]);
    const listed = await api('GET', '/v1/mcp/servers', { user: 'ada' });
    expect(listed.json.servers.map((s: { name: string }) => s.name)).toEqual(['legacy']);

    const call = await api('POST', '/v1/tools/legacy/shout/call', {
      user: 'ada',
      body: { args: { text: 'api' } },
    });
    expect(call.status, call.text).toBe(200);
    expect(call.json.content).toEqual([{ type: 'text', text: 'API' }]);

    const gone = await api('DELETE', '/v1/mcp/servers/legacy', { user: 'ada' });
    expect(gone.status).toBe(200);
    expect((await api('GET', '/v1/mcp/servers/legacy', { user: 'ada' })).status).toBe(400);
    for (const answer of [added, listed, call, gone]) expect(answer.text).not.toContain(HEADER_SECRET);
  });

  it('refuses a stdio server unless the operator allows them, and a malformed body', async () => {
    const home = tempHome();
    const closed = await startServe(cliEnv(home, { GAGENT_SERVE_TOKEN: SERVE_TOKEN }), cleanups);
    const api = serveApi(closed.url);
    const stdio = { name: 'files', command: 'node', args: ['server.js'] };
    const refused = await api('POST', '/v1/mcp/servers', { user: 'ada', body: stdio });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('stdio MCP servers cannot be added here');
    expect((await api('GET', '/v1/mcp/servers', { user: 'ada' })).json.servers).toEqual([]);
    for (const body of [
      { name: 'x', url: 5 },
      { name: 'x', url: 'http://127.0.0.1:9/', shell: 'rm -rf /' },
    ]) {
      expect((await api('POST', '/v1/mcp/servers', { user: 'ada', body })).status).toBe(400);
    }

    const open = await startServe(
      cliEnv(tempHome(), { GAGENT_SERVE_TOKEN: SERVE_TOKEN, GAGENT_ALLOW_STDIO: '1' }),
      cleanups,
    );
    const allowed = await serveApi(open.url)('POST', '/v1/mcp/servers', { user: 'ada', body: stdio });
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.json.server).toMatchObject({ name: 'files', transport: 'stdio', command: 'node' });
  });
});
