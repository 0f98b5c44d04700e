import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { McpRegistry } from '../../src/mcp/registry.js';
import type { ServerConfig } from '../../src/mcp/server-config.js';
import { connectUserRegistry, userServerConfigs } from '../../src/mcp/user-servers.js';
import { Redactor } from '../../src/redact.js';
import { startFakeGmail, startFakeSlack, startFakeWeather } from '../fakes/mcp/providers.js';
import { type FakeMcpServer, startFakeMcpServer } from '../fakes/mcp/server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { recordConnection, tempStore } from '../helpers/store.js';

const cleanups = cleanupAfterEach();
async function serve<T extends FakeMcpServer>(server: Promise<T>): Promise<T> {
  const s = await server;
  cleanups.push(() => s.close());
  return s;
}
function httpHeaders(config: ServerConfig | undefined): Record<string, string> {
  return config?.endpoint.kind === 'http' ? config.endpoint.headers : {};
}
async function store() {
  const t = await tempStore();
  cleanups.push(t.cleanup);
  return t.store;
}

describe('McpRegistry', () => {
  it('connects every server in parallel; failures are reported per server and never block the ready ones', async () => {
    const weather = await serve(startFakeWeather());
    const slow = await serve(startFakeWeather({ delayMs: 4000 }));
    const locked = await serve(startFakeGmail({ bearer: 'secret-token' }));
    const refusing = await serve(startFakeMcpServer({ tools: [], refuse: true }));
    const registry = await McpRegistry.connect(
      [
        {
          name: 'slow',
          source: 'env',
          endpoint: { kind: 'http', url: slow.url.toString(), headers: {}, mode: 'http' },
          trustReadOnlyHints: false,
        },
        {
          name: 'locked',
          source: 'env',
          endpoint: { kind: 'http', url: locked.url.toString(), headers: {}, mode: 'http' },
          trustReadOnlyHints: false,
        },
        {
          name: 'refusing',
          source: 'env',
          endpoint: { kind: 'http', url: refusing.url.toString(), headers: {}, mode: 'http' },
          trustReadOnlyHints: false,
        },
        {
          name: 'weather',
          source: 'env',
          endpoint: { kind: 'http', url: weather.url.toString(), headers: {}, mode: 'http' },
          trustReadOnlyHints: false,
        },
      ],
      // Wide margins: the ready server must make it on a loaded machine, the slow one never.
      { connectTimeoutMs: 2000 },
    );
    cleanups.push(() => registry.close());
    const states = Object.fromEntries(registry.servers().map((s) => [s.config.name, s.status.state]));
    expect(states).toEqual({
      slow: 'unreachable',
      locked: 'unauthorized',
      refusing: 'unreachable',
      weather: 'ready',
    });
    expect(registry.ready().map((s) => s.provider)).toEqual(['weather']);
    expect(registry.get('weather')?.tools.map((t) => t.name)).toEqual(['get_forecast', 'slow_report']);
    expect(registry.get('slow')?.status).toMatchObject({ reason: expect.stringContaining('did not answer') });
    const result = await registry.get('weather')?.callTool('get_forecast', { city: 'Paris' });
    expect(result?.content[0]).toMatchObject({ text: 'Forecast for Paris: sunny, 1 day(s)' });
  });

  it('terminates every session on close', async () => {
    const gmail = await serve(startFakeGmail());
    const slack = await serve(startFakeSlack());
    const registry = await McpRegistry.connect([
      {
        name: 'gmail',
        source: 'composio',
        endpoint: { kind: 'http', url: gmail.url.toString(), headers: {}, mode: 'http' },
        trustReadOnlyHints: true,
      },
      {
        name: 'slack',
        source: 'composio',
        endpoint: { kind: 'http', url: slack.url.toString(), headers: {}, mode: 'http' },
        trustReadOnlyHints: true,
      },
    ]);
    expect(gmail.sessionCount() + slack.sessionCount()).toBe(2);
    await registry.close();
    expect(gmail.sessionCount() + slack.sessionCount()).toBe(0);
  });

  it('falls back to GAGENT_MCP_<NAME>_* for names the database lacks, and the database wins otherwise', async () => {
    const s = await store();
    const dbWeather = await serve(startFakeWeather({ apiKey: 'ak_test' }));
    const envWeather = await serve(startFakeWeather());
    const envSlack = await serve(startFakeSlack({ bearer: 'tok_env_slack' }));
    await recordConnection(s, 'alice', 'weather', dbWeather.url.toString());
    const config = loadConfig(
      { user: 'alice' },
      {
        GAGENT_HOME: '/nonexistent',
        COMPOSIO_API_KEY: 'ak_test',
        // The Composio key goes only to Composio's own origin: here, the loopback server standing in for it.
        COMPOSIO_BASE_URL: dbWeather.url.origin,
        GAGENT_MCP_WEATHER_URL: envWeather.url.toString(),
        GAGENT_MCP_SLACK_URL: envSlack.url.toString(),
        GAGENT_MCP_SLACK_TOKEN: 'tok_env_slack',
        GAGENT_MCP_SLACK_HEADERS: 'X-Team: blue',
      },
    );
    const configs = await userServerConfigs(config, s, new Redactor([]));
    expect(configs.map((c) => [c.name, c.source, c.endpoint.kind === 'http' && c.endpoint.url])).toEqual([
      ['weather', 'composio', dbWeather.url.toString()],
      ['slack', 'env', envSlack.url.toString()],
    ]);
    expect(httpHeaders(configs[0])['x-api-key']).toBe('ak_test');
    expect(httpHeaders(configs[1])).toEqual({ 'X-Team': 'blue', Authorization: 'Bearer tok_env_slack' });
    const registry = await connectUserRegistry(config, s, new Redactor([]));
    cleanups.push(() => registry.close());
    expect(
      registry
        .ready()
        .map((r) => r.provider)
        .sort(),
    ).toEqual(['slack', 'weather']);
    await registry.get('weather')?.callTool('get_forecast', { city: 'Oslo' });
    expect(dbWeather.calls).toHaveLength(1);
    expect(envWeather.calls).toHaveLength(0);
    expect(envSlack.sessionCount()).toBe(1);
    expect(
      (await registry.get('slack')?.callTool('SLACK_SEND_MESSAGE', { channel: '#team', markdown_text: 'hi' }))
        ?.isError,
    ).toBeFalsy();
    expect(envSlack.messages).toEqual([{ channel: 'team', markdown_text: 'hi' }]);
  });

  it('keeps two users apart, and a disconnected provider has no tools in the next registry', async () => {
    const s = await store();
    const gmail = await serve(startFakeGmail());
    const slack = await serve(startFakeSlack());
    await recordConnection(s, 'alice', 'gmail', gmail.url.toString());
    await recordConnection(s, 'bob', 'slack', slack.url.toString());
    const base = { GAGENT_HOME: '/nonexistent', COMPOSIO_API_KEY: 'ak_test' };
    const alice = await connectUserRegistry(loadConfig({ user: 'alice' }, base), s, new Redactor([]));
    const bob = await connectUserRegistry(loadConfig({ user: 'bob' }, base), s, new Redactor([]));
    cleanups.push(
      () => alice.close(),
      () => bob.close(),
    );
    expect(alice.ready().flatMap((r) => r.tools.map((t) => t.name))).toEqual([
      'GMAIL_SEND_EMAIL',
      'GMAIL_FETCH_EMAILS',
    ]);
    expect(bob.ready().flatMap((r) => r.tools.map((t) => t.name))).toEqual(['SLACK_SEND_MESSAGE']);

    await s.accounts.disconnect('alice', 'gmail');
    const after = await connectUserRegistry(loadConfig({ user: 'alice' }, base), s, new Redactor([]));
    cleanups.push(() => after.close());
    expect(after.servers()).toEqual([]);
  });
});
