import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCallbackServer } from '../../src/composio/callback-server.js';
import { ComposioApi } from '../../src/composio/composio-api.js';
import { normalizeMcpEndpoint } from '../../src/composio/mcp-endpoint.js';
import { startFakeComposio } from '../fakes/composio/server.js';
import { rawRequest } from '../helpers/raw-http.js';

describe('OAuth callback server', () => {
  it('listens on loopback only, refuses wrong states while it keeps waiting, and accepts exactly one callback', async () => {
    const server = await startCallbackServer({ state: 'right' });
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('state')).toBe('right');
    const other = new URL(url);
    other.pathname = '/elsewhere';
    expect((await fetch(other)).status).toBe(404);
    const wrong = new URL(url);
    wrong.searchParams.set('state', 'wrong');
    const refused = await fetch(wrong);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('does not belong');
    // A request target no browser sends: answered, and the server keeps waiting.
    const odd = await rawRequest(server.url, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(odd.status).toBe(404);
    const good = new URL(url);
    good.searchParams.set('status', 'success');
    good.searchParams.set('connectedAccountId', 'ca_camel'); // the legacy spelling
    const accepted = await fetch(good);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('content-type')).toContain('text/html');
    expect(await server.result).toEqual({ connectedAccountId: 'ca_camel', status: 'success' });
    expect((await fetch(good)).status).toBe(409);
    await server.close();
  });

  it('tells the browser when the provider refused, and closes without cutting off a page being served', async () => {
    const server = await startCallbackServer({ state: 's' });
    const failed = new URL(server.url);
    failed.searchParams.set('status', 'failed');
    failed.searchParams.set('connected_account_id', 'ca_1');
    const response = await fetch(failed);
    const closing = server.close();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Authorization failed');
    expect(await server.result).toEqual({ connectedAccountId: 'ca_1', status: 'failed' });
    await closing;
    await expect(fetch(failed)).rejects.toThrow();
  });

  it('uses the host, port and path of COMPOSIO_REDIRECT, and says clearly when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    await expect(
      startCallbackServer({ state: 's', redirect: new URL(`http://localhost:${port}/oauth/done`) }),
    ).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const server = await startCallbackServer({
      state: 's',
      redirect: new URL(`http://localhost:${port}/oauth/done`),
    });
    expect(server.url).toBe(`http://localhost:${port}/oauth/done?state=s`);
    await server.close();
    await expect(
      startCallbackServer({ state: 's', redirect: new URL('http://example.com:8080/cb') }),
    ).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('Composio client', () => {
  it('talks to the fake through the real SDK without telemetry or signal handlers of its own', async () => {
    const fake = await startFakeComposio({ apiKey: 'ak_unit' });
    const before = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const api = await ComposioApi.connect({ apiKey: 'ak_unit', baseUrl: fake.baseUrl });
    const configs = await api.listAuthConfigs('gmail');
    expect(configs).toEqual([
      { id: 'ac_gmail01', toolkit: 'gmail', status: 'ENABLED', authScheme: 'OAUTH2', managed: true },
    ]);
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(before);
    expect(fake.apiRequests().map((r) => r.path)).toEqual(['/api/v3.1/auth_configs']);
    await fake.close();
  });
});

describe('MCP endpoint normalization', () => {
  it('adds the /mcp suffix, singular account and user parameters, and id headers; strips credentials', () => {
    const normalized = normalizeMcpEndpoint(
      {
        url: 'https://backend.composio.dev/v3/mcp/srv-1?connected_account_ids=ca_x&include_composio_helper_actions=true',
        headers: { 'x-api-key': 'ak_secret' },
      },
      { userId: 'alice', connectedAccountId: 'ca_1', authConfigId: 'ac_1' },
    );
    const url = new URL(normalized.url);
    expect(url.pathname).toBe('/v3/mcp/srv-1/mcp');
    expect(url.searchParams.get('connected_account_ids')).toBeNull();
    expect(url.searchParams.get('connected_account_id')).toBe('ca_1');
    expect(url.searchParams.get('user_id')).toBe('alice');
    expect(url.searchParams.get('include_composio_helper_actions')).toBe('true');
    expect(normalized.headers).toEqual({ 'X-Connected-Account-Id': 'ca_1', 'X-Auth-Config-Id': 'ac_1' });
  });
});
