import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { type EverythingServer, startEverythingServer } from '../helpers/everything-server.js';
import { events, generatorRequests, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';

let server: EverythingServer;
let env: NodeJS.ProcessEnv;
const cleanups = cleanupAfterEach();

beforeAll(async () => {
  server = await startEverythingServer();
  env = cliEnv(tempHome(), { GAGENT_MCP_EVERYTHING_URL: server.url.toString() });
});
afterAll(async () => {
  await server?.close();
});

describe('an MCP server we did not write (the MCP project reference server "everything")', () => {
  it('lists its tools under snake-case action names, with their read-only annotations', async () => {
    const result = await runGagent(['tools', 'list', '--json'], env);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.servers[0]).toMatchObject({ name: 'everything', source: 'env', state: 'ready' });
    const tools = doc.servers[0].tools as { action: string; tool: string; readOnly: boolean }[];
    expect(tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'everything_echo', tool: 'echo', readOnly: true }),
        expect.objectContaining({ action: 'everything_get_sum', tool: 'get-sum', readOnly: true }),
        expect.objectContaining({ action: 'everything_toggle_simulated_logging', readOnly: false }),
      ]),
    );
  });

  it('calls its tools by their own names or by action name, and shows what they returned', async () => {
    const sum = await runGagent(
      ['tools', 'call', 'everything', 'get-sum', '--arg', 'a=2', '--arg', 'b=3'],
      env,
    );
    expect(sum.code).toBe(0);
    expect(JSON.parse(sum.stdout)).toMatchObject({
      tool: 'get-sum',
      isError: false,
      content: [{ type: 'text', text: 'The sum of 2 and 3 is 5.' }],
    });
    const echo = await runGagent(
      ['tools', 'call', 'everything', 'everything_echo', '--args-json', '{"message":"hi \\"there\\""}'],
      env,
    );
    expect(echo.code).toBe(0);
    expect(JSON.parse(echo.stdout).content).toEqual([{ type: 'text', text: 'Echo: hi "there"' }]);
    const wrong = await runGagent(['tools', 'call', 'everything', 'get-sum', '--arg', 'a=two'], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('shows its session in debug mcp-client', async () => {
    const result = await runGagent(['debug', 'mcp-client', '--json'], env);
    expect(result.code).toBe(0);
    const [entry] = JSON.parse(result.stdout).servers;
    expect(entry).toMatchObject({ name: 'everything', source: 'env', state: 'ready' });
    expect(entry.sessionId).toEqual(expect.any(String));
    expect(entry.tools).toContain('get-sum');
  });

  it('serves a run: the model calls its tool and sees the result in the next prompt', async () => {
    const model = await startScriptedModel([
      reply('agent.everything_get_sum(a=40, b=2)', 'Add the numbers with the tool.'),
      reply('agent.done()', 'The sum is 42.'),
    ]);
    cleanups.push(() => model.close());
    // A server configured by environment is trusted only as far as the user says: here, its read-only hints.
    const result = await runGagent(['run', 'add 40 and 2', '--controller', 'none', '--json'], {
      ...env,
      ...modelEnv(model),
      GAGENT_MCP_EVERYTHING_TRUST: 'read-only-hints',
    });
    expect(result.code).toBe(0);
    const step = events(result.stdout).find((e) => e.type === 'step_finished' && e.kind === 'mcp');
    expect(step).toMatchObject({
      outcome: { type: 'mcp', provider: 'everything', tool: 'get-sum', isError: false },
    });
    const second = generatorRequests(model.requests())[1];
    expect(second?.text).toContain('The sum of 40 and 2 is 42.');
  });
});
