/**
 * One HTTP stack behind a real proxy (tinyproxy on loopback): a model request, an MCP call and a
 * Composio request all go through HTTP_PROXY / HTTPS_PROXY, and NO_PROXY reaches a host directly.
 */
import { describe, expect, it } from 'vitest';
import { startFakeMcpServer, text } from '../fakes/mcp/server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { startComposioWorld } from '../helpers/composio-env.js';
import { type LoopbackProxy, selfSignedCertificate, startProxy } from '../helpers/proxy.js';
import { modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';

const cleanups = cleanupAfterEach();

async function proxy(): Promise<LoopbackProxy> {
  const p = await startProxy();
  cleanups.push(() => p.close());
  return p;
}

describe.skipIf(unavailable(['tinyproxy', 'openssl'], 'the proxy tests'))('behind a proxy', () => {
  it('HTTPS_PROXY carries an MCP call to an https server (CONNECT through the proxy)', async () => {
    const tls = selfSignedCertificate();
    const server = await startFakeMcpServer({
      name: 'secure',
      tls,
      tools: [
        {
          name: 'echo',
          description: 'Echoes.',
          inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
          handler: (args) => text(`echo: ${String(args.text)}`),
        },
      ],
    });
    cleanups.push(() => server.close());
    const p = await proxy();
    const result = await runGagent(
      ['tools', 'call', 'secure', 'echo', '--arg', 'text=hi', '--json'],
      cliEnv(tempHome(), {
        GAGENT_MCP_SECURE_URL: server.url.toString(),
        HTTPS_PROXY: p.url,
        NODE_EXTRA_CA_CERTS: tls.certFile,
      }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).content[0].text).toBe('echo: hi');
    expect(p.requests()).toContain(`CONNECT 127.0.0.1:${server.url.port} HTTP/1.1`);
  });

  it('HTTP_PROXY carries model and Composio requests; NO_PROXY reaches a host directly', async () => {
    const world = await startComposioWorld();
    cleanups.push(() => world.close());
    const model = await startScriptedModel([reply('agent.done()'), reply('agent.done()')]);
    cleanups.push(() => model.close());
    const p = await proxy();
    const modelPort = new URL(model.baseUrl).port;
    const composioPort = new URL(world.composio.baseUrl).port;

    const ran = await runGagent(
      ['run', 'x', '--controller', 'none', '--no-reflection'],
      world.env({ ...modelEnv(model), HTTP_PROXY: p.url }),
    );
    expect(ran.code, ran.stderr).toBe(0);
    // undici tunnels every proxied request (CONNECT host:port), http targets included.
    const through = (port: string) => p.requests().filter((r) => r.includes(`127.0.0.1:${port} `));
    expect(through(modelPort)).toContain(`CONNECT 127.0.0.1:${modelPort} HTTP/1.1`);

    const status = await runGagent(['status', '--refresh', '--json'], world.env({ HTTP_PROXY: p.url }));
    expect(status.code, status.stderr).toBe(0);
    expect(through(composioPort)).toContain(`CONNECT 127.0.0.1:${composioPort} HTTP/1.1`);

    const before = p.requests().length;
    const direct = await runGagent(
      ['run', 'x', '--controller', 'none', '--no-reflection'],
      world.env({ ...modelEnv(model), HTTP_PROXY: p.url, NO_PROXY: `127.0.0.1:${modelPort}` }),
    );
    expect(direct.code, direct.stderr).toBe(0);
    const after = p.requests().slice(before);
    expect(after.filter((r) => r.includes(`127.0.0.1:${modelPort} `))).toEqual([]);
    expect(model.requests().length).toBeGreaterThan(1);
  });

  it('an unreachable proxy is one sentence and exit 4', async () => {
    const model = await startScriptedModel([reply('agent.done()')]);
    cleanups.push(() => model.close());
    const result = await runGagent(
      ['run', 'x', '--controller', 'none', '--no-reflection'],
      cliEnv(tempHome(), { ...modelEnv(model), HTTP_PROXY: 'http://127.0.0.1:9' }),
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Cannot reach the OpenAI-compatible model');
  });
});
