/** Breaking gagent on purpose (issue 6): every fault ends in its documented exit code, with nothing lost or half-written. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startFakeGmail } from '../fakes/mcp/providers.js';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld } from '../helpers/composio-env.js';
import { events, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();
async function world(): Promise<ComposioWorld> {
  const w = await startComposioWorld();
  cleanups.push(() => w.close());
  return w;
}
async function rows(w: ComposioWorld): Promise<Record<string, number>> {
  return JSON.parse((await runGagent(['debug', 'db', '--json'], w.env())).stdout).rows;
}

describe('Composio faults', () => {
  it('a process killed during finalize leaves no half-written rows, and a re-run finishes the connect', async () => {
    const w = await world();
    // Finalize asks Composio for the MCP session; hold that request and kill gagent meanwhile.
    w.composio.slow(/POST \/api\/v3\.1\/tool_router\/session/, 4000);
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], w.env());
    const [link] = await cli.waitFor(LINK_PATTERN);
    await followLink(link as string);
    await cli.waitFor(/4\/6 authorized; saving the connection/);
    cli.child.kill('SIGKILL');
    await cli.done;
    expect(await rows(w)).toMatchObject({
      users: 0,
      auth_configs: 0,
      connected_accounts: 0,
      mcp_connections: 0,
      oauth_pending: 1,
    });
    const rerun = await runGagent(['connect', 'gmail', '--no-browser'], w.env());
    expect(rerun.code).toBe(0);
    expect(await rows(w)).toMatchObject({
      users: 1,
      auth_configs: 1,
      connected_accounts: 1,
      mcp_connections: 1,
      oauth_pending: 0,
    });
  });

  it('two concurrent connects for one user and provider both end well, with one row', async () => {
    const w = await world();
    const first = spawnGagent(['connect', 'gmail', '--no-browser', '--json'], w.env());
    const second = spawnGagent(['connect', 'gmail', '--no-browser', '--json'], w.env());
    const [link] = await first.waitFor(LINK_PATTERN);
    await second.waitFor(LINK_PATTERN);
    await followLink(link as string); // the user finishes one of the two links
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const docs = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(new Set(docs.map((d) => d.connectedAccountId)).size).toBe(1);
    expect(docs.some((d) => d.connectedElsewhere === true)).toBe(true);
    expect(await rows(w)).toMatchObject({ connected_accounts: 1, mcp_connections: 1, oauth_pending: 0 });
  });

  it('Composio 429 with retry-after is retried and the command succeeds', async () => {
    const w = await world();
    w.composio.inject({
      status: 429,
      count: 2,
      retryAfterSeconds: 0,
      match: /GET \/api\/v3\.1\/auth_configs/,
    });
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], w.env());
    const [link] = await cli.waitFor(LINK_PATTERN);
    await followLink(link as string);
    expect((await cli.done).code).toBe(0);
    expect(w.composio.apiRequests().filter((r) => r.path === '/api/v3.1/auth_configs').length).toBe(3);
  });

  it('a flood of callbacks with wrong states is refused, and the real one still completes', async () => {
    const w = await world();
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], w.env());
    const [link] = await cli.waitFor(LINK_PATTERN);
    const callback = new URL([...w.composio.state.accounts.values()][0]?.callbackUrl as string);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const forged = new URL(callback);
        forged.searchParams.set('state', `forged-${i}`);
        forged.searchParams.set('connected_account_id', `ca_forged_${i}`);
        return fetch(forged).then((r) => r.status);
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect((await followLink(link as string, { toCallback: true })).callbackStatus).toBe(200);
    expect((await cli.done).code).toBe(0);
  });
});

describe('storage faults', () => {
  it('the database locked by another gagent: a clear sentence, exit 1, nothing changed', async () => {
    const w = await world();
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], w.env());
    await followLink((await cli.waitFor(LINK_PATTERN))[0] as string);
    expect((await cli.done).code).toBe(0);
    const dbFile = path.join(w.env().GAGENT_HOME as string, 'gagent.db');
    const holder = new Database(dbFile);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const locked = await runGagent(['disconnect', 'gmail'], w.env());
      expect(locked.code).toBe(1);
      expect(locked.stderr.trim()).toBe(
        `gagent: The database ${dbFile} is locked by another gagent process. Wait for it to finish and try again.`,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const status = JSON.parse((await runGagent(['status', '--json'], w.env())).stdout);
    expect(status.providers[0]).toMatchObject({ provider: 'gmail', status: 'ACTIVE', authorized: true });
  });

  it('a read-only GAGENT_HOME: a clear sentence and exit 1', async () => {
    const home = tempDir('gagent-ro-');
    const data = path.join(home, 'data');
    fs.mkdirSync(data, { mode: 0o555 });
    fs.chmodSync(data, 0o555);
    const result = await runGagent(['status', '--json'], cliEnv(home, { GAGENT_HOME: data }), undefined, {
      obeyFileModes: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `gagent: Cannot write gagent's data at ${path.join(data, 'gagent.db')}: permission denied. Set GAGENT_HOME (or DB_URL) to a writable directory.`,
    );
    expect(fs.readdirSync(data)).toEqual([]);
  });
});

describe('model and MCP faults during a run', () => {
  it('an MCP server that dies mid-run gives the model a clear outcome; the run goes on', async () => {
    const gmail = await startFakeGmail();
    let killed = false;
    const model = await startScriptedModel([
      reply('agent.gmail_fetch_emails()'),
      reply('agent.gmail_fetch_emails()'),
      reply('agent.done()'),
    ]);
    cleanups.push(
      () => model.close(),
      () => (killed ? undefined : gmail.close()),
    );
    const cli = spawnGagent(
      ['run', 'read my mail', '--controller', 'none', '--no-reflection'],
      cliEnv(tempHome(), {
        ...modelEnv(model),
        GAGENT_MCP_GMAIL_URL: gmail.url.toString(),
        GAGENT_MCP_GMAIL_TRUST: 'read-only-hints',
      }),
    );
    await cli.waitFor(/"type":"step_finished","step":0/);
    await gmail.close();
    killed = true;
    const result = await cli.done;
    expect(result.code).toBe(0);
    const outcomes = events(result.stdout)
      .filter((e) => e.type === 'step_finished')
      .map((e) => e.outcome as { type: string; isError?: boolean; resultText?: string });
    expect(outcomes[0]).toMatchObject({ type: 'mcp', isError: false });
    expect(outcomes[1]).toMatchObject({
      type: 'mcp',
      isError: true,
      resultText: expect.stringContaining('gmail'),
    });
    expect(outcomes[2]).toMatchObject({ type: 'done' });
  });

  it('a model that returns garbage ends the run with exit 1 and one sentence', async () => {
    const model = await startOpenAIFake({ script: () => ({ garbage: true }) });
    cleanups.push(() => model.close());
    const result = await runGagent(['run', 'x', '--controller', 'none'], cliEnv(tempHome(), modelEnv(model)));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sent a response gagent cannot read');
    expect(events(result.stdout).at(-1)).toMatchObject({ type: 'run_finished', status: 'error' });
  });

  it('a model that keeps answering 500 ends the run with exit 4 after its retries', async () => {
    const model = await startOpenAIFake({ script: () => ({ status: 500 }) });
    cleanups.push(() => model.close());
    const result = await runGagent(['run', 'x', '--controller', 'none'], cliEnv(tempHome(), modelEnv(model)));
    expect(result.code).toBe(4);
    expect(model.requests().length).toBe(4); // one try and three retries
    expect(result.stderr).toContain('is unavailable (HTTP 500)');
  });

  it('a model that hangs past GAGENT_MODEL_TIMEOUT ends the run with exit 4, never a hang', async () => {
    const model = await startOpenAIFake({ script: () => ({ hang: true }) });
    cleanups.push(() => model.close());
    const result = await runGagent(
      ['run', 'x', '--controller', 'none'],
      cliEnv(tempHome(), { ...modelEnv(model), GAGENT_MODEL_TIMEOUT: '1' }),
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('did not answer in time');
  });

  it('Ctrl+C stops a run cleanly: exit 130, the history saved', async () => {
    const model = await startOpenAIFake({
      script: (r) => (r.lastUserText.includes('Step 2.') ? { hang: true } : reply('agent.wait(0.1)')),
    });
    cleanups.push(() => model.close());
    const env = cliEnv(tempHome(), modelEnv(model));
    const cli = spawnGagent(['run', 'wait forever', '--controller', 'none', '--no-reflection'], env);
    await cli.waitFor(/"type":"step_finished","step":0/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(events(result.stdout).at(-1)).toMatchObject({
      type: 'run_finished',
      status: 'interrupted',
      steps: 1,
    });
    const history = JSON.parse((await runGagent(['runs', 'list', '--json'], env)).stdout);
    expect(history.runs[0]).toMatchObject({
      status: 'interrupted',
      summary: expect.stringContaining('the history is saved'),
    });
    // The step that was in progress is in the history too.
    const shown = JSON.parse((await runGagent(['runs', 'show', history.runs[0].id, '--json'], env)).stdout);
    expect(
      shown.steps.map((s: { idx: number; outcome: { type: string } }) => [s.idx, s.outcome.type]),
    ).toEqual([
      [0, 'screen'],
      [1, 'interrupted'],
    ]);
  });
});
