/**
 * A submitted run cannot point a worker at an address the operator did not allow: the API answers
 * 400 for a controllerUrl outside GAGENT_CONTROLLER_URLS (none when it is unset), a worker marks
 * such a run as an error without sending it a byte, and `gagent run` here is the user's own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, type SpawnedCli, spawnGagent, tempHome } from '../helpers/cli.js';
import { modelEnv, reply } from '../helpers/scripted-run.js';
import { SERVE_TOKEN, serveApi, startServe } from '../helpers/serve.js';

const cleanups = cleanupAfterEach();

/** A service inside the network that no run should reach unless allowed: it records every request. */
async function internalService(): Promise<{ origin: string; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

async function setup(extra: Record<string, string> = {}) {
  const service = await internalService();
  const model = await startOpenAIFake({ script: () => reply('agent.done()') });
  cleanups.push(() => model.close());
  const env = cliEnv(tempHome(), { GAGENT_SERVE_TOKEN: SERVE_TOKEN, ...modelEnv(model), ...extra });
  return { service, env };
}

function worker(env: NodeJS.ProcessEnv): SpawnedCli {
  const cli = spawnGagent(['worker', '--json'], env);
  cleanups.push(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGTERM');
    return cli.done;
  });
  return cli;
}

async function submitHere(env: NodeJS.ProcessEnv, controllerUrl: string): Promise<string> {
  const out = await runGagent(
    ['run', 'look', '--submit', '--controller', 'osworld', '--controller-url', controllerUrl, '--json'],
    env,
  );
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout).runId;
}

describe('controller URLs of submitted runs', () => {
  it('the API takes only URLs under GAGENT_CONTROLLER_URLS, however they are dressed up', async () => {
    const { service, env } = await setup();
    const base = `${service.origin}/vm1`;
    const { url } = await startServe(
      { ...env, GAGENT_CONTROLLER_URLS: `${base}, http://10.9.9.9:5000` },
      cleanups,
    );
    const submit = (controllerUrl: string) =>
      serveApi(url)('POST', '/v1/runs', {
        user: 'ada',
        body: { task: 'look', controller: 'osworld', controllerUrl },
      });
    for (const ok of [base, `${base}/`, `${base}/desk`, base.replace('http://', 'HTTP://')])
      expect((await submit(ok)).status, ok).toBe(202);
    const port = new URL(service.origin).port;
    for (const attack of [
      `http://127.0.0.1:${port}@127.0.0.2:${port}/vm1`,
      `http://127.0.0.2:${port}/vm1`,
      `http://127.0.0.1:${Number(port) + 1}/vm1`,
      `${base}0`,
      `${base}/%2e%2e/admin`,
      `${base}%2F..%2Fadmin`,
      `${base}?to=http://169.254.169.254/`,
      `http://[::ffff:127.0.0.1]:${port}/vm1`,
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const refused = await submit(attack);
      expect([refused.status, refused.json.error.code], attack).toEqual([400, 'bad_request']);
    }
    const refused = await submit('http://169.254.169.254/latest/meta-data');
    expect(refused.json.error.message).toBe(
      "The run names controllerUrl http://169.254.169.254/latest/meta-data, which is not under any of this server's GAGENT_CONTROLLER_URLS. Leave controllerUrl out to use the worker’s own controller, or ask the operator to add it to GAGENT_CONTROLLER_URLS.",
    );
    expect((await serveApi(url)('GET', '/v1/runs', { user: 'ada' })).json.runs).toHaveLength(4);
    const spec = (await serveApi(url)('GET', '/openapi.json')).json;
    const schema = spec.paths['/v1/runs'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.controllerUrl.description).toContain('GAGENT_CONTROLLER_URLS');
    expect(service.paths).toEqual([]);
  });

  it('without GAGENT_CONTROLLER_URLS the API refuses every controllerUrl but the server’s own, and a bad list stops serve', async () => {
    const { service, env } = await setup();
    const { url } = await startServe(env, cleanups);
    const call = serveApi(url);
    const named = await call('POST', '/v1/runs', { body: { task: 'look', controllerUrl: service.origin } });
    expect([named.status, named.json.error.message]).toEqual([
      400,
      `The run names controllerUrl ${service.origin}/, but this server allows none (GAGENT_CONTROLLER_URLS is not set). Leave controllerUrl out to use the worker’s own controller, or ask the operator to add it to GAGENT_CONTROLLER_URLS.`,
    ]);
    expect((await call('POST', '/v1/runs', { body: { task: 'look' } })).status).toBe(202);
    const own = await startServe({ ...env, GAGENT_CONTROLLER_URL: service.origin }, cleanups);
    const ownUrl = await serveApi(own.url)('POST', '/v1/runs', {
      body: { task: 'look', controllerUrl: service.origin },
    });
    expect(ownUrl.status).toBe(202);

    const bad = await runGagent(['serve', '--port', '0'], {
      ...env,
      GAGENT_CONTROLLER_URLS: 'http://u:SECRET-pw@x/',
    });
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'gagent: GAGENT_CONTROLLER_URLS has "http://…@x/", which is not a plain http(s) URL. List controller URLs such as http://10.0.0.5:5000 or https://vms.internal/vm1, separated by commas, without credentials, query or fragment.',
    ]);
  });

  it('a worker marks a run naming a URL it does not allow as an error, sending it nothing; an allowed one it drives', async () => {
    const { service, env } = await setup();
    const refusedId = await submitHere(env, service.origin);
    const strict = worker(env);
    const [line] = await strict.waitFor(/.*"run_finished".*/);
    const finished = JSON.parse(line as string);
    expect(finished).toMatchObject({ runId: refusedId, status: 'error' });
    expect(finished.message).toContain('but this server allows none (GAGENT_CONTROLLER_URLS is not set)');
    const shown = await runGagent(['runs', 'show', refusedId, '--json'], env);
    expect(JSON.parse(shown.stdout).run.status).toBe('error');
    strict.child.kill('SIGTERM');
    await strict.done;
    expect(service.paths).toEqual([]);

    const allowedId = await submitHere(env, `${service.origin}/vm1`);
    const open = worker({ ...env, GAGENT_CONTROLLER_URLS: `${service.origin}/vm1` });
    const [done] = await open.waitFor(/.*"run_finished".*/, 30_000);
    expect(JSON.parse(done as string).runId).toBe(allowedId);
    expect(service.paths.length).toBeGreaterThan(0);
    expect(service.paths.every((p) => p.startsWith('/vm1/'))).toBe(true);
  });

  it('gagent run here drives whatever controller its user names', async () => {
    const { service, env } = await setup();
    const out = await runGagent(
      [
        'run',
        'look',
        '--controller',
        'osworld',
        '--controller-url',
        service.origin,
        '--json',
        '--no-reflection',
      ],
      env,
    );
    expect(out.code).not.toBe(2);
    expect(service.paths.length).toBeGreaterThan(0);
  });
});
