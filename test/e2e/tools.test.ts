import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWeather } from '../fakes/mcp/providers.js';
import type { FakeMcpServer } from '../fakes/mcp/server.js';
import { type CliResult, cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { runInTerminal } from '../helpers/terminal.js';

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
            parameters: [
              { name: 'city', type: 'string', required: true },
              { name: 'days', type: 'integer', required: false },
            ],
          },
          {
            action: 'weather_slow_report',
            tool: 'slow_report',
            description: 'A long report that sends progress while it works.',
            readOnly: true,
            destructive: false,
            asks: true,
            parameters: [
              { name: 'steps', type: 'integer', required: false },
              { name: 'stepMs', type: 'integer', required: false },
            ],
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

  it('reads --arg by the tool schema: text stays text, numbers are exact, a misfit names the parameter', async () => {
    // city is a string: "123" and a 20-digit number arrive as the text that was typed.
    const numeric = await gagent([
      'tools',
      'call',
      'weather',
      'get_forecast',
      '--arg',
      'city=123',
      '--arg',
      'days=2',
    ]);
    expect(numeric.code).toBe(0);
    const big = await gagent([
      'tools',
      'call',
      'weather',
      'get_forecast',
      '--arg',
      'city=12345678901234567890',
    ]);
    expect(big.code).toBe(0);
    expect(weather.calls.map((c) => c.args)).toEqual([
      { city: '123', days: 2 },
      { city: '12345678901234567890' },
    ]);
    const cases: [string[], string][] = [
      [['--arg', 'city=Oslo', '--arg', 'days=two'], '--arg days must be a whole number, got "two".'],
      [
        ['--arg', 'city=Oslo', '--arg', 'days=1e400'],
        '--arg days has the number 1e400, which is out of range.',
      ],
      [
        ['--arg', 'city=Oslo', '--arg', 'days=12345678901234567890'],
        '--arg days has the number 12345678901234567890, which is too large to send exactly.',
      ],
      [['--arg', 'city=Oslo', '--arg', 'days=1.5'], 'The argument "days" must be a whole number, got 1.5.'],
      [['--args-json', '{"city":"Oslo","days":12345678901234567890}'], 'too large to send exactly'],
    ];
    for (const [args, message] of cases) {
      const result = await gagent(['tools', 'call', 'weather', 'get_forecast', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(weather.calls).toHaveLength(2);
  });

  it('tools list shows each tool’s parameters on a terminal', async () => {
    const shown = await runInTerminal(['tools', 'list'], env);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain('city: string, days?: integer');
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
    expect(missing.stderr).toContain(
      'Connect it with gagent connect gmail, add it with gagent mcp add gmail',
    );
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
