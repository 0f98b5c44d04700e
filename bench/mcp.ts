/**
 * MCP: a warm tool call through gagent's session beside a bare SDK client on the same server; a
 * new session per call (connect + initialize + list + call, what the design we replace did); and
 * a registry of 10 servers that each answer after 200 ms beside one such server; and dead and
 * hanging servers beside live ones, through the built binary.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpRegistry, type ServerConfig } from '../src/mcp/registry.js';
import { DEAD_MCP_URL, startHangingServer } from '../test/fakes/mcp/hanging.js';
import { startFakeWeather } from '../test/fakes/mcp/providers.js';
import { startOpenAIFake } from '../test/fakes/model/scripted-server.js';
import { cliEnv, runGagent, tempHome } from '../test/helpers/cli.js';
import { modelEnv, reply } from '../test/helpers/scripted-run.js';
import { type BenchRow, interleaved, interleavedSamples, median, nowMs, timeIt } from './table.js';

async function bareClient(url: URL): Promise<{ client: Client; close(): Promise<void> }> {
  const transport = new StreamableHTTPClientTransport(url);
  const client = new Client({ name: 'bench-bare', version: '0' });
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

export async function benchMcp(calls = 200): Promise<BenchRow[]> {
  const server = await startFakeWeather();
  const args = { city: 'Paris' };
  const registry = await McpRegistry.connect([
    {
      name: 'weather',
      source: 'env',
      endpoint: { kind: 'http', url: server.url.toString(), headers: {}, mode: 'http' },
      trustReadOnlyHints: false,
    },
  ]);
  const handle = registry.get('weather');
  if (!handle) throw new Error('the bench server did not connect');
  const bare = await bareClient(server.url);

  const warm = await interleaved(
    {
      gagent: () => handle.callTool('get_forecast', args),
      bare: () => bare.client.callTool({ name: 'get_forecast', arguments: args }),
    },
    calls,
    20,
  );
  const cold: number[] = [];
  for (let i = 0; i < 30; i++) {
    cold.push(
      await timeIt(async () => {
        const once = await bareClient(server.url);
        await once.client.listTools();
        await once.client.callTool({ name: 'get_forecast', arguments: args });
        await once.close();
      }),
    );
  }
  await bare.close();
  await registry.close();
  await server.close();
  const baseline = { what: 'bare SDK client', value: warm.bare as number };
  return [
    {
      what: 'MCP tool call, warm session',
      value: warm.gagent as number,
      unit: 'ms',
      baseline,
      budget: { ratio: 1.15 },
    },
    {
      what: 'MCP tool call, new session per call',
      value: median(cold),
      unit: 'ms',
      baseline: { what: 'gagent warm call', value: warm.gagent as number },
    },
  ];
}

export async function benchRegistry(rounds = 5, servers = 10, delayMs = 200): Promise<BenchRow[]> {
  const slow = await Promise.all(Array.from({ length: servers }, () => startFakeWeather({ delayMs })));
  const configs: ServerConfig[] = slow.map((s, i) => ({
    name: `slow${i}`,
    source: 'env',
    endpoint: { kind: 'http', url: s.url.toString(), headers: {}, mode: 'http' },
    trustReadOnlyHints: false,
  }));
  const connect = async (subset: ServerConfig[]) => {
    const registry = await McpRegistry.connect(subset, { connectTimeoutMs: 30_000 });
    if (registry.ready().length !== subset.length) throw new Error('a bench server failed to connect');
    await registry.close();
  };
  const medians = await interleaved(
    { one: () => connect(configs.slice(0, 1)), all: () => connect(configs) },
    rounds,
    1,
  );
  await Promise.all(slow.map((s) => s.close()));
  return [
    {
      what: `registry of ${servers} servers (${delayMs} ms each)`,
      value: medians.all as number,
      unit: 'ms',
      baseline: { what: 'one such server', value: medians.one as number },
      budget: { ratio: 1.3 },
    },
  ];
}

/**
 * One dead and one hanging server beside two live ones, through the built binary: `tools list`
 * may take the listing timeout plus the live servers' own time; a run's first model request must
 * not wait for them at all.
 */
export async function benchUnreachableServers(rounds = 5, timeoutS = 1): Promise<BenchRow[]> {
  const live = await Promise.all([startFakeWeather(), startFakeWeather()]);
  const hanging = await startHangingServer();
  const model = await startOpenAIFake({ script: () => reply('agent.done()') });
  const liveEnv = {
    GAGENT_MCP_TIMEOUT: String(timeoutS),
    GAGENT_MCP_WEATHER_URL: live[0].url.toString(),
    GAGENT_MCP_FORECAST_URL: live[1].url.toString(),
    ...modelEnv(model),
  };
  const liveOnly = cliEnv(tempHome('gagent-bench-'), liveEnv);
  const withBroken = cliEnv(tempHome('gagent-bench-'), {
    ...liveEnv,
    GAGENT_MCP_DEAD_URL: DEAD_MCP_URL,
    GAGENT_MCP_HANG_URL: hanging.url,
  });
  // The first request of a run waits for servers up to the grace (default 2 s), never longer.
  const oneLive = cliEnv(tempHome('gagent-bench-'), {
    GAGENT_MCP_TIMEOUT: '30',
    GAGENT_MCP_WEATHER_URL: live[0].url.toString(),
    ...modelEnv(model),
  });
  const oneLiveOneHanging = { ...oneLive, GAGENT_MCP_HANG_URL: hanging.url };
  const noGrace = (env: NodeJS.ProcessEnv) => ({ ...env, GAGENT_MCP_GRACE: '0' });
  const listTools = async (env: NodeJS.ProcessEnv) => {
    const result = await runGagent(['tools', 'list', '--json'], env);
    if (result.code !== 0) throw new Error(`tools list exited ${result.code}: ${result.stderr}`);
  };
  /** From spawning `gagent run` to its first model request arriving. */
  const firstRequestMs = async (env: NodeJS.ProcessEnv) => {
    const before = model.requests().length;
    const started = nowMs();
    const result = await runGagent(
      ['run', 'check the forecast', '--controller', 'none', '--no-reflection'],
      env,
    );
    const first = model.requests()[before];
    if (result.code !== 0 || !first)
      throw new Error(`the bench run failed (${result.code}): ${result.stderr}`);
    return first.receivedAt - started;
  };
  const listing = await interleaved(
    { live: () => listTools(liveOnly), broken: () => listTools(withBroken) },
    rounds,
    1,
  );
  const firstRequest = await interleavedSamples(
    { live: () => firstRequestMs(noGrace(liveOnly)), broken: () => firstRequestMs(noGrace(withBroken)) },
    rounds * 2,
  );
  const graced = await interleavedSamples(
    { live: () => firstRequestMs(oneLive), hanging: () => firstRequestMs(oneLiveOneHanging) },
    rounds,
  );
  await model.close();
  await hanging.close();
  await Promise.all(live.map((s) => s.close()));
  const listingBudget = timeoutS * 1000 + 1.3 * (listing.live as number);
  return [
    {
      what: 'tools list, 2 live + 1 dead + 1 hanging server',
      value: listing.broken as number,
      unit: 'ms',
      baseline: { what: 'the live servers alone', value: listing.live as number },
      budget: { max: Math.round(listingBudget) },
    },
    {
      what: 'first model request of a run, same servers, GAGENT_MCP_GRACE=0',
      value: firstRequest.broken as number,
      unit: 'ms',
      baseline: { what: 'the live servers alone', value: firstRequest.live as number },
      budget: { ratio: 1.15 },
    },
    {
      what: 'first model request, 1 live + 1 hanging server (grace 2 s)',
      value: graced.hanging as number,
      unit: 'ms',
      baseline: { what: 'the live server alone', value: graced.live as number },
      budget: { max: Math.round(2000 + 1.15 * (graced.live as number)) },
    },
  ];
}
