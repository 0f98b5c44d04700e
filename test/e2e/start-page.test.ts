/**
 * Start pages, as a run request brings them: only http(s) pages are opened, however the run is
 * asked for (gagent run, --submit, the API, a row a worker claims); a page that cannot be reached
 * is one sentence, exit 4, and a run saved with the reason.
 */
import net from 'node:net';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { until } from '../helpers/until.js';

const cleanups = cleanupAfterEach();

interface ListedRun {
  id: string;
  status: string;
}

async function listRuns(env: NodeJS.ProcessEnv): Promise<ListedRun[]> {
  return JSON.parse((await runGagent(['runs', 'list', '--json'], env)).stdout).runs;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('start pages are web pages only', () => {
  it('gagent run and --submit refuse a file: (or any non-http) start page before anything starts', async () => {
    const model = await startScriptedModel([reply('agent.done()')]);
    cleanups.push(() => model.close());
    const env = cliEnv(tempHome(), modelEnv(model));
    for (const url of [
      'file:///etc/passwd',
      'FILE:///etc/hostname',
      'javascript:alert(1)',
      'chrome://settings',
    ]) {
      for (const extra of [[], ['--submit']]) {
        const result = await runGagent(
          ['run', 'read it', '--controller', 'browser', '--url', url, ...extra],
          env,
        );
        expect([result.code, result.stderr.trim()]).toEqual([
          2,
          expect.stringMatching(/^gagent: --url must be a full http\(s\) URL, got ".*"\.$/),
        ]);
      }
    }
    expect(await listRuns(env)).toEqual([]);
    expect(model.requests()).toEqual([]);
  });

  it('the API refuses a file: start page with 400, and a worker refuses a queued one', async () => {
    const env = cliEnv(tempHome(), { GAGENT_SERVE_TOKEN: 'start-page-token-SECRET-1' });
    const serve = spawnGagent(['serve', '--port', '0', '--json'], env);
    cleanups.push(() => {
      serve.child.kill('SIGTERM');
      return serve.done;
    });
    const [, base] = (await serve.waitFor(/"url": "(http:\/\/127\.0\.0\.1:\d+)"/)) as string[];
    const res = await fetch(`${base}/v1/runs`, {
      method: 'POST',
      headers: { authorization: 'Bearer start-page-token-SECRET-1', 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'read it', controller: 'browser', url: 'file:///etc/passwd' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('url: a start page must be an http(s) URL');
    expect(await listRuns(env)).toEqual([]);

    // A row queued with a file: page (by hand, or by an older gagent) is refused by the worker.
    const queued = await runGagent(
      ['run', 'read it', '--submit', '--controller', 'none', '--url', 'http://127.0.0.1/', '--json'],
      env,
    );
    const runId = JSON.parse(queued.stdout).runId as string;
    const file = new Sqlite(path.join(env.GAGENT_HOME as string, 'gagent.db'));
    const row = file.prepare('select options from runs where id = ?').get(runId) as { options: string };
    const options = { ...JSON.parse(row.options), url: 'file:///etc/passwd' };
    file.prepare('update runs set options = ? where id = ?').run(JSON.stringify(options), runId);
    file.close();
    const worker = spawnGagent(['worker', '--concurrency', '1', '--json'], env);
    cleanups.push(() => {
      worker.child.kill('SIGKILL');
      return worker.done;
    });
    await until(async () =>
      (await listRuns(env)).find((r) => r.id === runId)?.status === 'error' ? true : undefined,
    );
    const shown = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], env)).stdout).run;
    expect(shown.summary).toContain('a start page must be an http(s) URL');
    expect(await runGagent(['runs', 'show', runId, '--json'], env).then((r) => r.stdout)).not.toContain(
      'root:',
    );
  });
});

const noChromium = unavailable(['chromium'], 'the unreachable start page test');
describe.skipIf(noChromium)('an unreachable start page', () => {
  it('is one sentence and exit 4, and the run is saved with the reason', async () => {
    const model = await startScriptedModel([reply('agent.done()')]);
    cleanups.push(() => model.close());
    const env = cliEnv(tempHome(), modelEnv(model));
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const result = await runGagent(['run', 'open it', '--controller', 'browser', '--url', url], env);
    expect(result.code).toBe(4);
    expect(result.stderr.trim()).toBe(
      `gagent: The start page ${url} could not be opened (net::ERR_CONNECTION_REFUSED). Check the address and that the site is up, or leave --url out.`,
    );
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.type)).toEqual(['run_started', 'run_finished']);
    const runs = await listRuns(env);
    expect(runs).toEqual([expect.objectContaining({ status: 'error' })]);
    const shown = JSON.parse(
      (await runGagent(['runs', 'show', runs[0]?.id as string, '--json'], env)).stdout,
    ).run;
    expect(shown.summary).toContain('could not be opened (net::ERR_CONNECTION_REFUSED)');
    expect(model.requests()).toEqual([]);
  });
});
