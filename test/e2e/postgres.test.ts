/**
 * The same gagent on PostgreSQL (DB_URL=postgres://…), through the built binary against a real
 * server: two "machines" (two homes) sharing one database, eight processes finalizing at once, a
 * process killed during finalize, migrations raced by fresh processes, and every way a server
 * can refuse us as one sentence with the documented exit code and no password in sight.
 */
import net from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { latestSchemaVersion, migrationsDir } from '../../src/store/migrate.js';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld } from '../helpers/composio-env.js';
import { freshPgDatabase, PG_PASSWORD } from '../helpers/postgres.js';
import { events, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';

const PG = inject('pgUrl');

const cleanups = cleanupAfterEach();

async function world(): Promise<ComposioWorld> {
  const w = await startComposioWorld();
  cleanups.push(() => w.close());
  return w;
}

/** Two homes (machines) on one fresh database: each gets its own config, both the same data. */
async function twoMachines(w: ComposioWorld) {
  const url = (await freshPgDatabase(PG)) as string;
  const other = tempHome();
  return {
    url,
    a: (extra: Record<string, string> = {}) => w.env({ DB_URL: url, ...extra }),
    b: (extra: Record<string, string> = {}) =>
      cliEnv(other, {
        COMPOSIO_API_KEY: w.env().COMPOSIO_API_KEY,
        COMPOSIO_BASE_URL: w.composio.baseUrl,
        DB_URL: url,
        ...extra,
      }),
  };
}

async function rows(env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  return JSON.parse((await runGagent(['debug', 'db', '--json'], env)).stdout).rows;
}

describe.skipIf(!PG)('gagent on PostgreSQL', () => {
  it('connect on one machine, status on another: the same ACTIVE account; debug db names the server without its password', async () => {
    const w = await world();
    const m = await twoMachines(w);
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], m.a());
    const [link] = await cli.waitFor(LINK_PATTERN);
    await followLink(link as string);
    expect((await cli.done).code).toBe(0);

    // The connect's sync is fresh for every machine: the other one does not ask Composio again.
    w.composio.clearRequests();
    const status = await runGagent(['status', '--json'], m.b());
    expect(status.code).toBe(0);
    // (Slack, never connected, is looked up; gmail, checked by the connect, is not.)
    const asked = w.composio.apiRequests().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`);
    expect(asked.filter((r) => /gmail|connected_accounts\/ca_/.test(r))).toEqual([]);
    expect(asked).toHaveLength(1);
    expect(JSON.parse(status.stdout).providers).toContainEqual(
      expect.objectContaining({ provider: 'gmail', status: 'ACTIVE', authorized: true }),
    );
    const tools = await runGagent(['tools', 'list', '--json'], m.b());
    expect(tools.code).toBe(0);
    expect(tools.stdout).toContain('gmail_send_email');

    const db = await runGagent(['debug', 'db', '--json'], m.b());
    const report = JSON.parse(db.stdout);
    expect(report).toMatchObject({ dialect: 'postgres', engine: expect.stringMatching(/^PostgreSQL 1\d/) });
    expect(report.path).toContain('***@127.0.0.1');
    expect(report.rows).toMatchObject({ users: 1, connected_accounts: 1, mcp_connections: 1 });
    for (const out of [status, tools, db]) expect(out.stdout + out.stderr).not.toContain(PG_PASSWORD);
  });

  it('eight processes connecting one account at once leave one row of each', async () => {
    const w = await world();
    const m = await twoMachines(w);
    const first = spawnGagent(['connect', 'gmail', '--no-browser'], m.a());
    const [link] = await first.waitFor(LINK_PATTERN);
    await followLink(link as string);
    expect((await first.done).code).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runGagent(['connect', 'gmail', '--no-browser', '--json'], i % 2 ? m.a() : m.b()),
      ),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(new Set(results.map((r) => JSON.parse(r.stdout).connectedAccountId)).size).toBe(1);
    expect(await rows(m.a())).toMatchObject({
      users: 1,
      auth_configs: 1,
      connected_accounts: 1,
      mcp_connections: 1,
    });
  });

  it('a process killed during finalize leaves nothing half-written; a re-run on the other machine finishes it', async () => {
    const w = await world();
    const m = await twoMachines(w);
    w.composio.slow(/POST \/api\/v3\.1\/tool_router\/session/, 4000);
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], m.a());
    const [link] = await cli.waitFor(LINK_PATTERN);
    await followLink(link as string);
    await cli.waitFor(/4\/6 authorized; saving the connection/);
    cli.child.kill('SIGKILL');
    await cli.done;
    expect(await rows(m.b())).toMatchObject({
      users: 0,
      auth_configs: 0,
      connected_accounts: 0,
      mcp_connections: 0,
      oauth_pending: 1,
    });
    const rerun = await runGagent(['connect', 'gmail', '--no-browser'], m.b());
    expect(rerun.code).toBe(0);
    expect(await rows(m.a())).toMatchObject({ connected_accounts: 1, mcp_connections: 1, oauth_pending: 0 });
  });

  it('runs list and runs show see a run made on the other machine, for its user only', async () => {
    const w = await world();
    const m = await twoMachines(w);
    const model = await startScriptedModel([reply('agent.wait(0.1)', 'Wait.'), reply('agent.done()')]);
    cleanups.push(() => model.close());
    const run = await runGagent(
      ['run', 'wait a moment', '--controller', 'none', '--no-reflection', '--user', 'ada'],
      m.a(modelEnv(model)),
    );
    expect(run.code).toBe(0);
    const runId = String(events(run.stdout)[0]?.runId);
    const listed = JSON.parse((await runGagent(['runs', 'list', '--json', '--user', 'ada'], m.b())).stdout);
    expect(listed.runs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [runId, 'done'],
    ]);
    const shown = JSON.parse(
      (await runGagent(['runs', 'show', runId.slice(0, -3), '--json', '--user', 'ada'], m.b())).stdout,
    );
    expect(shown.steps.map((s: { action: { name: string } }) => s.action.name)).toEqual(['wait', 'done']);
    const stranger = await runGagent(['runs', 'show', runId, '--user', 'bob'], m.b());
    expect(stranger.code).toBe(2);
  });

  it('fresh processes racing to migrate a new database apply each migration once', async () => {
    const url = (await freshPgDatabase(PG)) as string;
    const env = cliEnv(tempHome(), { DB_URL: url });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runGagent(['debug', 'db', '--json'], env)),
    );
    expect(results.map((r) => [r.code, r.stderr])).toEqual(Array.from({ length: 6 }, () => [0, '']));
    expect(new Set(results.map((r) => JSON.parse(r.stdout).schemaVersion))).toEqual(
      new Set([latestSchemaVersion(migrationsDir('pg'))]),
    );
  });

  it('an unreachable server, a wrong password and a missing database are one sentence each, exit 4, 3 and 2', async () => {
    const good = new URL(PG);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const home = tempHome();
    const attempt = (url: string) => runGagent(['status', '--json'], cliEnv(home, { DB_URL: url }));

    const unreachable = await attempt(`postgres://gagent:${PG_PASSWORD}@127.0.0.1:${port}/gagent`);
    expect([unreachable.code, unreachable.stderr.trim()]).toEqual([
      4,
      `gagent: Cannot reach the PostgreSQL server at 127.0.0.1:${port} (ECONNREFUSED). Start the server, or fix the host and port in DB_URL.`,
    ]);
    const wrong = new URL(good);
    wrong.password = 'not-the-password';
    const rejected = await attempt(wrong.toString());
    expect([rejected.code, rejected.stderr.trim()]).toEqual([
      3,
      `gagent: The PostgreSQL server at 127.0.0.1:${good.port} rejected the user or password in DB_URL. Check the user and password in DB_URL (or PGPASSWORD).`,
    ]);
    const missing = new URL(good);
    missing.pathname = '/no_such_db';
    const absent = await attempt(missing.toString());
    expect([absent.code, absent.stderr.trim()]).toEqual([
      2,
      `gagent: The database "no_such_db" does not exist on the PostgreSQL server at 127.0.0.1:${good.port}. Create it (createdb no_such_db), or name another database in DB_URL.`,
    ]);
    for (const out of [unreachable, rejected, absent]) {
      expect(out.stdout).toBe('');
      expect(out.stderr).not.toContain(PG_PASSWORD);
      expect(out.stderr).not.toContain('not-the-password');
    }
  });
});
