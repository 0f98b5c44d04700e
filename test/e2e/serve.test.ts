/**
 * gagent serve end to end, on SQLite and on PostgreSQL, against the fake Composio: the token on
 * every request, users kept apart by X-User-Id, a connect finished through the server's own
 * redirect route, tools, a run submitted through the API and carried out by a worker, its HTML
 * report, errors as JSON with the CLI's meaning, and a 10 MB body refused.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { followLink } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, type SpawnedCli, spawnGagent, tempHome } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld } from '../helpers/composio-env.js';
import { freshPgDatabase, PG_PASSWORD } from '../helpers/postgres.js';
import { rawRequest } from '../helpers/raw-http.js';
import { generatorRequests, modelEnv, reply } from '../helpers/scripted-run.js';
import { until } from '../helpers/until.js';

const PG = inject('pgUrl');
const TOKEN = 'serve-token-SECRET-7c41d2e9a0b3';

const cleanups = cleanupAfterEach();

function stopOnCleanup(cli: SpawnedCli): SpawnedCli {
  cleanups.push(() => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
    return cli.done;
  });
  return cli;
}

async function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; cli: SpawnedCli }> {
  const cli = stopOnCleanup(spawnGagent(['serve', '--port', '0', '--json'], env));
  const [, url] = (await cli.waitFor(/"url": "(http:\/\/127\.0\.0\.1:\d+)"/)) as string[];
  return { url: url as string, cli };
}

function api(base: string, token = TOKEN) {
  return async (
    method: string,
    path: string,
    options: { user?: string; body?: unknown; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.user) headers['x-user-id'] = options.user;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // an HTML answer
    }
    return {
      status: res.status,
      // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON document the API answers
      json: json as Record<string, any>,
      text,
      type: res.headers.get('content-type'),
    };
  };
}

describe.each([
  ['SQLite', false, false],
  ['PostgreSQL', true, !PG],
] as const)('gagent serve on %s', (_name, postgres, skip) => {
  it.skipIf(skip)(
    'connects through its own redirect route, keeps users apart, and runs submitted tasks',
    async () => {
      const world: ComposioWorld = await startComposioWorld();
      cleanups.push(() => world.close());
      const model = await startOpenAIFake({ script: () => reply('agent.done()', 'Done already.') });
      cleanups.push(() => model.close());
      const db = postgres ? { DB_URL: (await freshPgDatabase(PG)) as string } : {};
      const env = world.env({ GAGENT_SERVE_TOKEN: TOKEN, ...modelEnv(model), ...db });
      const { url, cli } = await serve(env);
      const call = api(url);

      // The token, on every request; compared whatever its length.
      expect((await api(url, '')('GET', '/v1/status')).status).toBe(401);
      expect((await api(url, 'wrong')('GET', '/v1/status')).json).toEqual({
        error: {
          code: 'unauthorized',
          message: 'This request needs Authorization: Bearer <GAGENT_SERVE_TOKEN>.',
        },
      });
      const spec = await call('GET', '/openapi.json');
      expect(spec.json.openapi).toBe('3.1.0');
      expect(Object.keys(spec.json.paths)).toEqual(
        expect.arrayContaining(['/v1/runs', '/v1/connections/{provider}']),
      );

      // Connect Gmail for ada: the link, then Composio sends the browser to the server's route.
      const started = await call('POST', '/v1/connections/gmail', { user: 'ada' });
      expect(started.status).toBe(201);
      expect(started.json).toMatchObject({ user: 'ada', provider: 'gmail', status: 'INITIATED' });
      const browser = await followLink(started.json.redirectUrl, { outcome: 'success', toCallback: true });
      expect(browser.callbackUrl).toContain(`${url}/v1/connect/callback?state=`);
      expect(browser.callbackStatus).toBe(200);
      const ada = await call('GET', '/v1/status', { user: 'ada' });
      expect(ada.json.providers).toContainEqual(
        expect.objectContaining({ provider: 'gmail', status: 'ACTIVE', authorized: true }),
      );
      const bob = await call('GET', '/v1/status', { user: 'bob' });
      expect(bob.json.providers).toContainEqual(
        expect.objectContaining({ provider: 'gmail', status: 'NOT_CONNECTED' }),
      );
      expect((await call('GET', '/v1/tools', { user: 'ada' })).text).toContain('gmail_send_email');
      expect((await call('GET', '/v1/tools', { user: 'bob' })).text).not.toContain('gmail_send_email');
      const fetched = await call('POST', '/v1/tools/gmail/GMAIL_FETCH_EMAILS/call', {
        user: 'ada',
        body: { args: { max_results: 1 } },
      });
      expect(fetched.status).toBe(200);
      expect(JSON.stringify(fetched.json)).toContain('Report 1');
      const denied = await call('POST', '/v1/tools/gmail/GMAIL_FETCH_EMAILS/call', {
        user: 'bob',
        body: { args: {} },
      });
      expect([denied.status, denied.json.error.code]).toEqual([403, 'not_authorized']);

      // A 10 MB body is refused, and the server goes on.
      const huge = await call('POST', '/v1/runs', {
        user: 'ada',
        raw: JSON.stringify({ task: 'x'.repeat(10 * 1024 * 1024) }),
      });
      expect([huge.status, huge.json.error.code]).toEqual([413, 'payload_too_large']);
      // Sent in chunks, with no length announced: refused as it crosses the limit.
      const chunk = new TextEncoder().encode('x'.repeat(256 * 1024));
      let sent = 0;
      const streamed = await fetch(`${url}/v1/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          pull(controller) {
            if (sent++ < 8) controller.enqueue(chunk);
            else controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect((await call('GET', '/v1/runs', { user: 'ada' })).status).toBe(200);

      // A run submitted through the API, carried out by a worker, with its report.
      const bad = await call('POST', '/v1/runs', { user: 'ada', body: { task: 'x', maxSteps: 0 } });
      expect([bad.status, bad.json.error.code]).toEqual([400, 'bad_request']);
      // Twenty runs submitted through the API, carried out by two workers, each exactly once.
      const tasks = Array.from({ length: 20 }, (_, i) => `check inbox number ${String(i).padStart(2, '0')}`);
      const ids: string[] = [];
      for (const task of tasks) {
        const submitted = await call('POST', '/v1/runs', {
          user: 'ada',
          body: { task, controller: 'none', reflection: false },
        });
        expect(submitted.status).toBe(202);
        ids.push(submitted.json.runId as string);
      }
      const workers = [
        stopOnCleanup(spawnGagent(['worker'], env)),
        stopOnCleanup(spawnGagent(['worker'], env)),
      ];
      await until(async () => {
        const runs = (await call('GET', '/v1/runs?limit=50', { user: 'ada' })).json.runs as {
          status: string;
        }[];
        return runs.length === 20 && runs.every((r) => r.status === 'done') ? true : undefined;
      });
      const asked = generatorRequests(model.requests());
      for (const task of tasks) expect(asked.filter((r) => r.text.includes(task))).toHaveLength(1);
      const runId = ids[0] as string;
      const done = (await call('GET', `/v1/runs/${runId}`, { user: 'ada' })).json;
      expect(done.steps.map((s: { action: { name: string } }) => s.action.name)).toEqual(['done']);
      expect((await call('GET', `/v1/runs/${runId}`, { user: 'bob' })).status).toBe(404);
      const report = await call('GET', `/v1/runs/${runId}/report`, { user: 'ada' });
      expect([report.status, report.type]).toEqual([200, 'text/html; charset=utf-8']);
      expect(report.text).toContain('Content-Security-Policy');
      expect(report.text).toContain(tasks[0]);

      // Errors say what the CLI would, as JSON; a bad user id is refused the same way.
      const nobody = await call('GET', '/v1/status', { user: '../../etc' });
      expect([nobody.status, nobody.json.error.code]).toEqual([400, 'bad_request']);
      expect((await call('GET', '/v1/nothing-here')).status).toBe(404);
      const dbView = await call('GET', '/v1/debug/db', { user: 'ada' });
      expect(dbView.json.rows.runs).toBe(20);
      expect(dbView.text).not.toContain(PG_PASSWORD);

      for (const w of workers) w.child.kill('SIGTERM');
      expect((await Promise.all(workers.map((w) => w.done))).map((r) => r.code)).toEqual([0, 0]);
      cli.child.kill('SIGTERM');
      const ended = await cli.done;
      expect(ended.code).toBe(0);
      expect(ended.stderr).not.toContain(TOKEN);
    },
  );
});

describe('gagent serve stays up whatever its clients and Composio do', () => {
  it('answers odd requests, failed and pending connects, and a Composio that is down, then stops cleanly', async () => {
    const world: ComposioWorld = await startComposioWorld();
    cleanups.push(() => world.close());
    const env = world.env({ GAGENT_SERVE_TOKEN: TOKEN });
    const { url, cli } = await serve(env);
    const call = api(url);
    const alive = async () => (await call('GET', '/v1/runs')).status;

    // A request target no client library sends, with and without the token.
    const target = (auth: string) =>
      rawRequest(url, `GET //[ HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`);
    expect((await target('')).status).toBe(401);
    expect((await target(`Authorization: Bearer ${TOKEN}\r\n`)).status).toBe(404);
    expect(await alive()).toBe(200);
    // The absolute form (as sent through a proxy) names the same route.
    const absolute = await rawRequest(
      url,
      `GET http://elsewhere.example/v1/runs?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute.status).toBe(200);
    // The token comes first: without it, not even which routes exist is said.
    expect((await api(url, '')('PUT', '/v1/runs')).status).toBe(401);
    expect((await api(url, '')('GET', '/v1/nothing-here')).status).toBe(401);
    const put = await fetch(`${url}/v1/runs`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, POST']);
    expect(
      (await fetch(`${url}/v1/runs`, { method: 'HEAD', headers: { authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(200);
    const missing = await call('GET', '/v1/runs/run_nope');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'not_found']);
    const badUser = await call('GET', '/v1/status', { user: 'a b' });
    expect(badUser.json.error.message).toContain('(from X-User-Id)');

    // The OpenAPI document says what each route really answers.
    const spec = (await call('GET', '/openapi.json')).json;
    expect(Object.keys(spec.paths['/v1/connections/{provider}'].post.responses)).toContain('201');
    expect(Object.keys(spec.paths['/v1/runs'].post.responses)).toContain('202');
    expect(spec.paths['/v1/runs'].post.requestBody.required).toBe(true);
    expect(spec.paths['/v1/tools/{provider}/{tool}/call'].post.requestBody.required).toBe(false);
    expect(spec.paths['/v1/runs/{id}/report'].get.responses['200'].content).toHaveProperty('text/html');
    // What connect would do names this server's own callback route.
    const preview = await call('GET', '/v1/debug/redirect/gmail');
    expect(preview.json.callbackUrl).toBe(`${url}/v1/connect/callback?state=<random per connect>`);

    // A connect the user denies at the provider: the browser is told, the server goes on.
    const denied = await call('POST', '/v1/connections/gmail', { user: 'carol' });
    const browser = await followLink(denied.json.redirectUrl, { outcome: 'failed', toCallback: true });
    expect(browser.callbackStatus).toBe(200); // a page saying the authorization failed
    await until(async () => {
      const carol = (await call('GET', '/v1/status?refresh=true', { user: 'carol' })).json;
      const gmail = carol.providers.find((p: { provider: string }) => p.provider === 'gmail');
      return gmail && !gmail.authorized ? true : undefined;
    });
    expect(await alive()).toBe(200);

    // Composio down: 502 for that request, the server goes on.
    const downEnv = { ...env, COMPOSIO_BASE_URL: 'http://127.0.0.1:9' };
    const down = await serve(downEnv);
    const failed = await api(down.url)('POST', '/v1/connections/gmail', { user: 'erin' });
    expect([failed.status, failed.json.error.code]).toEqual([502, 'upstream_unreachable']);
    await new Promise((r) => setTimeout(r, 300));
    expect((await api(down.url)('GET', '/v1/runs')).status).toBe(200);

    // One address holding more connections than it may, saying nothing: cut at once, and a
    // client from elsewhere is still served.
    const port = Number(new URL(url).port);
    const hogs = Array.from({ length: 1100 }, () =>
      net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' }, function (this: net.Socket) {
        this.write('GET /v1/runs HTTP/1.1\r\n');
      }),
    );
    for (const hog of hogs) hog.on('error', () => {});
    await Promise.all(
      hogs.map(
        (hog) => new Promise((r) => (hog.connecting ? hog.once('connect', r).once('close', r) : r(0))),
      ),
    );
    // The server cuts the excess as it accepts them; a loaded machine may take a while to get there.
    await until(async () => (hogs.filter((hog) => !hog.destroyed).length <= 64 ? true : undefined));
    expect(hogs.filter((hog) => !hog.destroyed).length).toBeLessThanOrEqual(64);
    expect(await alive()).toBe(200);
    for (const hog of hogs) hog.destroy();

    // A body announced far over the limit is refused before it is sent.
    const announced = await rawRequest(
      url,
      `POST /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(announced.status).toBe(413);
    // A client that gives up mid-body is not the server's error.
    await new Promise<void>((resolve) => {
      const quitter = net.connect(port, '127.0.0.1', () => {
        quitter.end(
          `POST /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ta`,
        );
        setTimeout(() => quitter.destroy(), 100);
      });
      quitter.on('close', () => resolve());
    });
    // The database locked past its busy timeout: 503, said as such, and the server goes on.
    const lock = new Sqlite(path.join(env.GAGENT_HOME as string, 'gagent.db'));
    lock.exec('BEGIN EXCLUSIVE');
    const locked = await call('POST', '/v1/runs', { user: 'ada', body: { task: 'while locked' } });
    lock.exec('COMMIT');
    lock.close();
    expect([locked.status, locked.json.error.code]).toEqual([503, 'database_unavailable']);
    expect(locked.json.error.message).not.toContain('insert into');
    expect(await alive()).toBe(200);
    expect(cli.stderr() + cli.stdout()).not.toContain('error on');

    // A connect left waiting when the server is stopped ends with it, cleanly.
    const pending = await call('POST', '/v1/connections/gmail', { user: 'dave' });
    expect(pending.json.status).toBe('INITIATED');
    cli.child.kill('SIGTERM');
    const ended = await cli.done;
    expect([ended.code, ended.stderr]).not.toContain(1);
    expect(ended.code).toBe(0);
    expect(ended.stderr).not.toMatch(/Error|\bat /);
  });

  it('answers the connect and disconnect edges as the CLI does: an unknown toolkit, a failed revoke, a reused account, a rejected key', async () => {
    const world: ComposioWorld = await startComposioWorld();
    cleanups.push(() => world.close());
    const env = world.env({ GAGENT_SERVE_TOKEN: TOKEN });
    const call = api((await serve(env)).url);

    const typo = await call('POST', '/v1/connections/gmial', { user: 'ada' });
    expect([typo.status, typo.json.error.code]).toEqual([404, 'not_found']);
    expect(typo.json.error.message).toContain('Composio has no toolkit "gmial"; did you mean gmail?');
    expect(world.composio.apiRequests().filter((r) => r.method !== 'GET')).toEqual([]);

    // ada's Gmail, connected at Composio and set up here by a refresh.
    const account = world.composio.state.createAccount('ada', 'ac_gmail01', null, 'ACTIVE');
    expect((await call('GET', '/v1/status?refresh=true', { user: 'ada' })).status).toBe(200);
    // The revoke fails at Composio: the error, with what was done beside it.
    world.composio.inject({ status: 503, match: /^DELETE \/api\/v3\.1\/connected_accounts\//, count: 1 });
    const revoke = await call('DELETE', '/v1/connections/gmail?revoke=true', { user: 'ada' });
    expect([revoke.status, revoke.json.error.code]).toEqual([502, 'upstream_unreachable']);
    expect(revoke.json.error.message).toContain(
      `Gmail was disconnected here, but its account ${account.id} is still active at Composio`,
    );
    expect(revoke.json.result).toMatchObject({
      provider: 'gmail',
      status: 'DISCONNECTED',
      revoked: false,
      retry: 'gagent disconnect gmail --revoke',
    });
    const status = (await call('GET', '/v1/status', { user: 'ada' })).json;
    expect(status.providers[0]).toMatchObject({
      provider: 'gmail',
      status: 'DISCONNECTED',
      authorized: false,
    });
    // Connecting again reuses the account Composio still holds, and the answer says so.
    const again = await call('POST', '/v1/connections/gmail', { user: 'ada' });
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({
      status: 'ACTIVE',
      connectedAccountId: account.id,
      reusedExistingAccount: true,
      warnings: [expect.stringContaining('Gmail is already authorized at Composio for ada')],
    });

    // A server whose key Composio rejects: reachable, key invalid.
    const rejected = api((await serve({ ...env, COMPOSIO_API_KEY: 'ak_rejected_key_4242' })).url);
    const ping = await rejected('GET', '/v1/debug/composio-ping');
    expect([ping.status, ping.json.error.code]).toEqual([403, 'not_authorized']);
    expect(ping.json.result).toMatchObject({ reachable: true, keyValid: false, httpStatus: 401 });
    expect(ping.text).not.toContain('ak_rejected_key_4242');
    const spec = (await call('GET', '/openapi.json')).json;
    expect(
      spec.paths['/v1/connections/{provider}'].delete.responses['502'].content['application/json'].schema
        .properties,
    ).toHaveProperty('result');
  });

  it('takes a port as digits only', async () => {
    const refused = await runGagent(['serve', '--port', '0x1F90'], cliEnv(tempHome()));
    expect([refused.code, refused.stderr.trim()]).toEqual([
      2,
      'gagent: --port must be a whole number from 0 to 65535, got "0x1F90".',
    ]);
  });
});

describe('gagent serve refuses to be reachable without a token', () => {
  it('off loopback without GAGENT_SERVE_TOKEN it does not start; on loopback it makes one', async () => {
    const env = cliEnv(tempHome());
    const refused = await runGagent(['serve', '--host', '0.0.0.0', '--port', '0'], env);
    expect([refused.code, refused.stderr.trim()]).toEqual([
      2,
      'gagent: gagent serve will not listen on 0.0.0.0 without GAGENT_SERVE_TOKEN: anyone who reached it could act for every user. Set GAGENT_SERVE_TOKEN to a long random secret, or listen on 127.0.0.1.',
    ]);
    const local = await serve(env);
    const [, token] = (await local.cli.waitFor(/this run's token is (\S+)/)) as string[];
    expect((await api(local.url, token)('GET', '/v1/runs')).status).toBe(200);
    expect((await api(local.url, '')('GET', '/v1/runs')).status).toBe(401);
  });

  it('stops with one sentence when its SQLite file is deleted under it', async () => {
    const home = tempHome();
    const env = cliEnv(home, { GAGENT_SERVE_TOKEN: TOKEN });
    const { cli } = await serve(env);
    const file = path.join(env.GAGENT_HOME as string, 'gagent.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    const ended = await cli.done;
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain(
      `gagent: The database ${file} was deleted or replaced while gagent was using it`,
    );
  });

  it('on every address without COMPOSIO_REDIRECT it warns that no browser could come back', async () => {
    const env = cliEnv(tempHome(), { GAGENT_SERVE_TOKEN: TOKEN });
    const wide = stopOnCleanup(spawnGagent(['serve', '--host', '0.0.0.0', '--port', '0'], env));
    await wide.waitFor(/"url"/);
    expect(wide.stderr()).toContain(
      'gagent: warning: COMPOSIO_REDIRECT is not set, so Composio would send browsers back to http://0.0.0.0:',
    );
  });
});
