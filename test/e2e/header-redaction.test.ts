/**
 * Header values of an env-configured MCP server (GAGENT_MCP_<NAME>_HEADERS) never show, whatever
 * the header is called: `debug mcp-client` (the CLI and the API) shows the value of a few harmless
 * headers only, and the server still receives them all.
 */
import { describe, expect, it } from 'vitest';
import { startFakeWeather } from '../fakes/mcp/providers.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { SERVE_TOKEN, serveApi, startServe } from '../helpers/serve.js';

const cleanups = cleanupAfterEach();

const X_AUTH = 'xauth-SECRET-41c7e2';
const ACCESS_KEY = 'access-SECRET-9d03bb';
const SHORT = 'SECRET';
const HEADERS = `X-Auth: ${X_AUTH}; X-Access-Key: ${ACCESS_KEY}; X-Team: ${SHORT}; Accept-Language: en`;

async function weatherEnv(extra: Record<string, string> = {}) {
  const weather = cleanups.later(await startFakeWeather());
  const env = cliEnv(tempHome(), {
    GAGENT_MCP_WEATHER_URL: weather.url.toString(),
    GAGENT_MCP_WEATHER_HEADERS: HEADERS,
    ...extra,
  });
  return { weather, env };
}

const SHOWN = {
  'X-Auth': '[REDACTED]',
  'X-Access-Key': '[REDACTED]',
  'X-Team': '[REDACTED]',
  'Accept-Language': 'en',
};

describe('debug mcp-client redacts every header value but the harmless ones', () => {
  it('on the command line, while the server still receives every header', async () => {
    const { weather, env } = await weatherEnv();
    const result = await runGagent(['debug', 'mcp-client', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const [server] = JSON.parse(result.stdout).servers;
    expect(server).toMatchObject({ name: 'weather', state: 'ready', headers: SHOWN });
    for (const secret of [X_AUTH, ACCESS_KEY]) expect(result.stdout + result.stderr).not.toContain(secret);
    expect(weather.requestHeaders.at(-1)).toMatchObject({ 'x-auth': X_AUTH, 'x-access-key': ACCESS_KEY });
  });

  it('through the API', async () => {
    const { env } = await weatherEnv({ GAGENT_SERVE_TOKEN: SERVE_TOKEN });
    const { url } = await startServe(env, cleanups);
    const answer = await serveApi(url)('GET', '/v1/debug/mcp-client', { user: 'ada' });
    expect(answer.status).toBe(200);
    expect(answer.json.servers[0]).toMatchObject({ name: 'weather', headers: SHOWN });
    for (const secret of [X_AUTH, ACCESS_KEY]) expect(answer.text).not.toContain(secret);
  });
});
