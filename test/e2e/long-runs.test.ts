/**
 * Long runs through the built binary: MCP servers that never hold a run back (a hanging one, a
 * slow one that joins later), what the model is told (the screen, or no screen), and the
 * reviewer's verdict and the grounded point where the user reads the history.
 */
import { describe, expect, it } from 'vitest';
import { DEAD_MCP_URL, startHangingServer } from '../fakes/mcp/hanging.js';
import { startFakeWeather } from '../fakes/mcp/providers.js';
import { startFakeOsworld } from '../fakes/osworld/server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import {
  events,
  generatorRequests,
  isReflection,
  modelEnv,
  reply,
  startScriptedModel,
} from '../helpers/scripted-run.js';
import { runInTerminal } from '../helpers/terminal.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

const systemPrompt = (r: { body: Record<string, unknown> } | undefined) =>
  String(((r?.body.messages ?? []) as { content: unknown }[])[0]?.content ?? '');

describe('MCP servers never hold a run back', () => {
  it('tools list reports a hanging server unreachable after GAGENT_MCP_TIMEOUT, beside the live one', async () => {
    const hanging = later(await startHangingServer());
    const weather = later(await startFakeWeather());
    const result = await runGagent(
      ['tools', 'list', '--json'],
      cliEnv(tempHome(), {
        GAGENT_MCP_HANG_URL: hanging.url,
        GAGENT_MCP_WEATHER_URL: weather.url.toString(),
        GAGENT_MCP_DEAD_URL: DEAD_MCP_URL,
        GAGENT_MCP_TIMEOUT: '3',
      }),
    );
    expect(result.code).toBe(0);
    const servers = JSON.parse(result.stdout).servers as { name: string; state: string; reason?: string }[];
    expect(servers.map((s) => [s.name, s.state])).toEqual([
      ['dead', 'unreachable'],
      ['hang', 'unreachable'],
      ['weather', 'ready'],
    ]);
    expect(servers.find((s) => s.name === 'hang')?.reason).toBe('did not answer within 3 s');
  });

  it('a run starts with the servers that are ready; a slow one joins when it connects, a hanging one never blocks', async () => {
    const hanging = later(await startHangingServer());
    const slow = later(await startFakeWeather({ delayMs: 250 }));
    const model = later(
      await startScriptedModel([
        reply('agent.wait(2)', 'Wait for the weather server.'),
        reply('agent.slow_get_forecast(city="Oslo")', 'Ask for the forecast.'),
        reply('agent.done()'),
      ]),
    );
    const result = await runGagent(
      ['run', 'weather in Oslo', '--controller', 'none', '--no-reflection', '--yes'],
      cliEnv(tempHome(), {
        ...modelEnv(model),
        GAGENT_MCP_HANG_URL: hanging.url,
        GAGENT_MCP_SLOW_URL: slow.url.toString(),
        GAGENT_MCP_TIMEOUT: '4',
        // No grace: the first request does not wait for the slow server at all.
        GAGENT_MCP_GRACE: '0',
      }),
    );
    expect(result.code).toBe(0);
    const log = events(result.stdout);
    expect(log[0]).toMatchObject({
      type: 'run_started',
      mcpServers: [
        { name: 'hang', state: 'connecting' },
        { name: 'slow', state: 'connecting' },
      ],
    });
    // The first request went out at once, naming the servers still connecting and without their tools.
    const requests = generatorRequests(model.requests());
    expect(systemPrompt(requests[0])).toContain('Still connecting: hang, slow.');
    expect(systemPrompt(requests[0])).not.toContain('def slow_get_forecast');
    // By the next step the slow server had joined; the hanging one was still connecting.
    expect(systemPrompt(requests[1])).toContain('def slow_get_forecast');
    expect(systemPrompt(requests[1])).toContain('Still connecting: hang.');
    expect(log.find((e) => e.type === 'mcp_server' && e.name === 'slow')).toMatchObject({ state: 'ready' });
    expect(slow.calls.map((c) => c.args)).toEqual([{ city: 'Oslo' }]);
    expect(log.at(-1)).toMatchObject({ type: 'run_finished', status: 'done' });
  });
});

describe('the first model request of a run', () => {
  it('waits up to GAGENT_MCP_GRACE for servers about to be ready, and not for a hanging one', async () => {
    const hanging = later(await startHangingServer());
    // Ready a moment after the run starts: without the grace, the first request would not know it.
    const soon = later(await startFakeWeather({ delayMs: 150 }));
    const model = later(
      await startScriptedModel([reply('agent.soon_get_forecast(city="Oslo")'), reply('agent.done()')]),
    );
    const result = await runGagent(
      ['run', 'weather in Oslo', '--controller', 'none', '--no-reflection', '--yes'],
      cliEnv(tempHome(), {
        ...modelEnv(model),
        GAGENT_MCP_HANG_URL: hanging.url,
        GAGENT_MCP_SOON_URL: soon.url.toString(),
        GAGENT_MCP_TIMEOUT: '30',
        GAGENT_MCP_GRACE: '3',
      }),
    );
    expect(result.code, result.stderr).toBe(0);
    const first = systemPrompt(generatorRequests(model.requests())[0]);
    expect(first).toContain('def soon_get_forecast');
    expect(first).toContain('Still connecting: hang.');
    expect(soon.calls.map((c) => c.args)).toEqual([{ city: 'Oslo' }]);
    // The hanging server held the first step back for the grace only: the run ended long before
    // the 30 s connect timeout, with the server still connecting.
    const log = events(result.stdout);
    expect(log.find((e) => e.type === 'mcp_server' && e.name === 'hang')).toBeUndefined();
    expect(log.at(-1)).toMatchObject({ type: 'run_finished', status: 'done' });
  });

  it('refuses a grace that is not a number of seconds up to 60', async () => {
    for (const grace of ['soon', '61']) {
      const result = await runGagent(
        ['run', 'anything', '--controller', 'none'],
        cliEnv(tempHome(), { GAGENT_MODEL: 'openai:x', OPENAI_API_KEY: 'k', GAGENT_MCP_GRACE: grace }),
      );
      expect([result.code, result.stderr]).toEqual([2, expect.stringContaining('GAGENT_MCP_GRACE must be')]);
    }
  });
});

describe('what the model is told', () => {
  it('without a screen: no screenshot section, MCP-only examples; with one: the screen size', async () => {
    const weather = later(await startFakeWeather());
    const model = later(
      await startScriptedModel([reply('agent.weather_get_forecast(city="Oslo")'), reply('agent.done()')]),
    );
    await runGagent(
      ['run', 'weather', '--controller', 'none', '--no-reflection'],
      cliEnv(tempHome(), {
        ...modelEnv(model),
        GAGENT_MCP_WEATHER_URL: weather.url.toString(),
        GAGENT_MCP_WEATHER_TRUST: 'read-only-hints',
      }),
    );
    const noScreen = systemPrompt(generatorRequests(model.requests()).at(-1));
    expect(noScreen).toContain('No screen is attached to this run');
    expect(noScreen).toContain('(Context Analysis)');
    expect(noScreen).not.toContain('(Screenshot Analysis)');
    expect(noScreen).not.toContain('agent.click(');
    expect(noScreen).toMatch(/agent\.weather_\w+\(\.\.\.\)/);

    const vm = later(await startFakeOsworld({ width: 1920, height: 1200 }));
    const gui = later(await startScriptedModel([reply('agent.done()')]));
    await runGagent(
      ['run', 'look', '--controller', 'osworld', '--controller-url', vm.url, '--no-reflection'],
      cliEnv(tempHome(), modelEnv(gui)),
    );
    const withScreen = systemPrompt(gui.requests()[0]);
    expect(withScreen).toMatch(
      /The screen is 1920×1200 pixels\. Each step you receive a screenshot of it, scaled to \d+×\d+\./,
    );
    expect(withScreen).toContain('(Screenshot Analysis)');
  });
});

describe('visible reasoning', () => {
  it('runs show gives the reviewer’s verdict and where a click landed', async () => {
    const vm = later(await startFakeOsworld());
    const model = later(
      await startScriptedModel(
        [reply('agent.click("The Send button")'), reply('agent.done()')],
        { 'The Send button': [640, 400] },
        'Case 1: off track. The click landed on the Cancel button, not Send.',
      ),
    );
    const home = tempHome();
    const result = await runGagent(
      ['run', 'send it', '--controller', 'osworld', '--controller-url', vm.url],
      cliEnv(home, modelEnv(model)),
    );
    expect(result.code).toBe(0);
    expect(model.requests().some(isReflection)).toBe(true);
    const finished = events(result.stdout).filter((e) => e.type === 'step_finished');
    expect(finished[0]?.outcome).toMatchObject({ type: 'screen', action: { at: { x: 640, y: 400 } } });
    const runId = events(result.stdout)[0]?.runId as string;
    const shown = await runInTerminal(['runs', 'show', runId], cliEnv(home));
    expect(shown.output).toContain('executed on screen at (640, 400)');
    expect(shown.output).toContain(
      'reflection: off track — Case 1: off track. The click landed on the Cancel button',
    );
    // The verdict is about the click (step 1), made as step 2 began.
    const json = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], cliEnv(home))).stdout);
    expect(json.steps.map((s: { verdict: string | null }) => s.verdict)).toEqual(['off_track', null]);
  });
});
