import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWeather } from '../fakes/mcp/providers.js';
import type { FakeMcpServer } from '../fakes/mcp/server.js';
import { type CliResult, cliEnv, runGagent, tempHome } from '../helpers/cli.js';

const TOKEN = 'wx_token_SECRET_88a1';
const outputs: string[] = [];
let weather: FakeMcpServer;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  weather = await startFakeWeather({ bearer: TOKEN });
  env = cliEnv(tempHome(), {
    GAGENT_MCP_WEATHER_URL: weather.url.toString(),
    GAGENT_MCP_WEATHER_TOKEN: TOKEN,
  });
});
afterEach(async () => {
  await weather.close();
});
afterAll(() => {
  for (const text of outputs) expect(text).not.toContain(TOKEN);
});

async function gagent(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await runGagent(args, { ...env, ...extra });
  outputs.push(result.stdout, result.stderr);
  return result;
}

describe('any Streamable-HTTP MCP server through GAGENT_MCP_<NAME>_URL', () => {
  it('lists its tools with their action names and annotations', async () => {
    const result = await gagent(['tools', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).servers).toEqual([
      {
        name: 'weather',
        source: 'env',
        state: 'ready',
        tools: [
          {
            action: 'weather_get_forecast',
            tool: 'get_forecast',
            description: 'Get the forecast for a city.',
            readOnly: true,
            destructive: false,
            // An env-configured server's claims do not decide: a run asks first.
            asks: true,
          },
          {
            action: 'weather_slow_report',
            tool: 'slow_report',
            description: 'A long report that sends progress while it works.',
            readOnly: true,
            destructive: false,
            asks: true,
          },
        ],
      },
    ]);
  });

  it('calls a tool with --arg values parsed as JSON where they parse, and prints the result', async () => {
    const result = await gagent([
      'tools',
      'call',
      'weather',
      'get_forecast',
      '--arg',
      'city=Paris',
      '--arg',
      'days=3',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      tool: 'get_forecast',
      isError: false,
      content: [{ type: 'text', text: 'Forecast for Paris: sunny, 3 day(s)' }],
    });
    expect(weather.calls).toEqual([
      expect.objectContaining({ tool: 'get_forecast', args: { city: 'Paris', days: 3 } }),
    ]);
    const byAction = await gagent([
      'tools',
      'call',
      'weather',
      'weather_get_forecast',
      '--args-json',
      '{"city":"Oslo"}',
    ]);
    expect(byAction.code).toBe(0);
    expect(weather.calls[1]?.args).toEqual({ city: 'Oslo' });
  });

  it('exits 1 with the tool message when the tool reports an error', async () => {
    const result = await gagent(['tools', 'call', 'weather', 'get_forecast', '--arg', 'city=Atlantis']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'gagent: the tool get_forecast reported an error: Unknown city: Atlantis',
    );
  });

  it('exits 2 for an unknown tool, listing the ones that exist, and for bad --args-json', async () => {
    const unknown = await gagent(['tools', 'call', 'weather', 'get_rain']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '"weather" has no tool named "get_rain". Its tools: get_forecast, slow_report.',
    );
    const bad = await gagent(['tools', 'call', 'weather', 'get_forecast', '--args-json', '[1,2]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--args-json must be a JSON object.');
  });

  it('exits 3 for a provider that is not connected, and 4 when the server is down', async () => {
    const missing = await gagent(['tools', 'call', 'gmail', 'GMAIL_SEND_EMAIL']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('Connect it with gagent connect gmail, or set GAGENT_MCP_GMAIL_URL.');
    await weather.close();
    const down = await gagent(['tools', 'call', 'weather', 'get_forecast', '--arg', 'city=Paris']);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Cannot reach the MCP server "weather"');
  });

  it('debug mcp-client shows source, session, state, latency and tools, with headers redacted', async () => {
    const result = await gagent(['debug', 'mcp-client', '--json']);
    expect(result.code).toBe(0);
    const [server] = JSON.parse(result.stdout).servers;
    expect(server).toMatchObject({
      name: 'weather',
      source: 'env',
      url: weather.url.toString(),
      headers: { Authorization: '[REDACTED]' },
      state: 'ready',
      tools: ['get_forecast', 'slow_report'],
    });
    expect(server.sessionId).toMatch(/[0-9a-f-]{36}/);
    expect(server.latencyMs).toBeGreaterThanOrEqual(0);
    // The session was terminated when the command ended.
    expect(weather.sessionCount()).toBe(0);
  });

  it('reports a wrong token as unauthorized without failing the diagnostic', async () => {
    const result = await gagent(['debug', 'mcp-client', '--json'], {
      GAGENT_MCP_WEATHER_TOKEN: 'wrong-token-value',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).servers[0]).toMatchObject({
      state: 'unauthorized',
      reason: expect.stringContaining('HTTP 401'),
    });
  });
});
