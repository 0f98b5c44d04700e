import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { type CliResult, runGagent, spawnGagent } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld, TEST_API_KEY } from '../helpers/composio-env.js';

const FAKE_BROWSER = fileURLToPath(new URL('../fixtures/browser.mjs', import.meta.url));

/** Every stdout/stderr of this file, scanned for the API key at the end. */
const outputs: string[] = [];
function keep<T extends CliResult>(result: T): T {
  outputs.push(result.stdout, result.stderr);
  return result;
}

let world: ComposioWorld;
beforeEach(async () => {
  world = await startComposioWorld();
});
afterEach(async () => {
  await world.close();
});
afterAll(() => {
  for (const text of outputs) expect(text).not.toContain(TEST_API_KEY);
});

async function gagent(args: string[], extra: Record<string, string | undefined> = {}) {
  return keep(await runGagent(args, world.env(extra)));
}

async function dbRows(extra: Record<string, string | undefined> = {}): Promise<Record<string, number>> {
  const result = await gagent(['debug', 'db', '--json'], extra);
  return JSON.parse(result.stdout).rows;
}

/** Starts connect, waits for the printed link, and returns the running process and the link. */
async function startConnect(args: string[], extra: Record<string, string | undefined> = {}) {
  const cli = spawnGagent(['connect', ...args], world.env(extra));
  const [link] = await cli.waitFor(LINK_PATTERN);
  return { cli, link: link as string, done: cli.done.then(keep) };
}

describe('gagent connect', () => {
  it('completes when a browser follows the printed link to the callback, and stores the four rows', async () => {
    const { link, done } = await startConnect(['gmail', '--json']);
    const browser = await followLink(link, { toCallback: true });
    expect(browser.callbackStatus).toBe(200);
    const result = await done;
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({
      user: 'singleton',
      provider: 'gmail',
      status: 'ACTIVE',
      authConfigId: 'ac_gmail01',
    });
    expect(doc.connectedAccountId).toMatch(/^ca_/);
    expect(doc.tools).toEqual(['gmail_send_email', 'gmail_fetch_emails']);
    expect(result.stderr).toMatch(/1\/6[\s\S]*2\/6[\s\S]*3\/6[\s\S]*4\/6[\s\S]*5\/6[\s\S]*6\/6/);
    expect(await dbRows()).toMatchObject({
      users: 1,
      auth_configs: 1,
      connected_accounts: 1,
      mcp_connections: 1,
      oauth_pending: 0,
    });
    // The registry reached the Gmail MCP server through Composio's MCP endpoint.
    expect(world.composio.mcpRequests().length).toBeGreaterThan(0);
  });

  it('opens the link with the BROWSER command, and the browser lands on the callback page', async () => {
    const record = path.join(world.home, 'browser.json');
    const result = await gagent(['connect', 'gmail'], {
      BROWSER: `${process.execPath} ${FAKE_BROWSER} ${record} %s:firefox`,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('A browser window opened to authorize Gmail.');
    const seen = JSON.parse(fs.readFileSync(record, 'utf8'));
    expect(seen.link).toMatch(LINK_PATTERN);
    expect(new URL(seen.finalUrl).searchParams.get('status')).toBe('success');
    expect(seen.status).toBe(200);
    expect(seen.page).toContain('You can close this window');
    // The browser is a child process: it gets the environment without gagent's secrets.
    expect(seen.env.COMPOSIO_API_KEY).toBeUndefined();
    expect(seen.env.COMPOSIO_BASE_URL).toBeUndefined();
    expect(JSON.stringify(seen.env)).not.toContain(TEST_API_KEY);
    expect(seen.env.PATH).toBe(process.env.PATH);
    expect(await dbRows()).toMatchObject({ connected_accounts: 1, mcp_connections: 1 });
  });

  it('completes with --no-browser by polling Composio, without any callback (SSH)', async () => {
    const { link, done } = await startConnect(['gmail', '--no-browser']);
    await followLink(link, { toCallback: false });
    const result = await done;
    expect(result.code).toBe(0);
    // stdout is not a terminal here, so the result is JSON.
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'ACTIVE',
      tools: ['gmail_send_email', 'gmail_fetch_emails'],
    });
  });

  it('refuses a callback with a wrong or missing state and still completes with the right one', async () => {
    const { link, done } = await startConnect(['gmail', '--no-browser']);
    const account = [...world.composio.state.accounts.values()][0];
    const callback = new URL(account?.callbackUrl as string);
    expect(callback.hostname).toBe('127.0.0.1');
    const wrong = new URL(callback);
    wrong.searchParams.set('state', 'forged-state');
    wrong.searchParams.set('connected_account_id', 'ca_attacker');
    expect((await fetch(wrong)).status).toBe(400);
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    expect((await fetch(missing)).status).toBe(400);
    const browser = await followLink(link, { toCallback: true });
    expect(browser.callbackStatus).toBe(200);
    // Exactly one callback is accepted.
    expect((await fetch(browser.callbackUrl as string)).status).toBe(409);
    expect((await done).code).toBe(0);
  });

  it('ends with exit 3 and one clear sentence when the user denies access (FAILED)', async () => {
    const { link, done } = await startConnect(['gmail', '--no-browser']);
    // Composio marks the account FAILED; gagent learns it by polling (the browser's redirect to the
    // callback races with gagent exiting, so the test does not follow it).
    await followLink(link, { outcome: 'failed' });
    const result = await done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /gagent: The Gmail authorization failed: OAuth callback failed during token exchange\. Run gagent connect gmail again\./,
    );
    expect(await dbRows()).toMatchObject({ connected_accounts: 0, mcp_connections: 0 });
  });

  it('ends with exit 3 when the account expires while waiting', async () => {
    const { done } = await startConnect(['gmail', '--no-browser']);
    const account = [...world.composio.state.accounts.values()][0];
    world.composio.setAccountStatus(
      account?.id as string,
      'EXPIRED',
      'Connection initiation did not complete within 10 minutes',
    );
    const result = await done;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'The Gmail authorization is expired: Connection initiation did not complete within 10 minutes',
    );
  });

  it('times out with exit 1 when nobody authorizes', async () => {
    const result = await gagent(['connect', 'gmail', '--no-browser', '--timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gagent: Timed out after 1 s waiting for the Gmail authorization\./);
  });

  it('rejects a bad API key with exit 3 and the fix', async () => {
    const result = await gagent(['connect', 'gmail', '--no-browser'], {
      COMPOSIO_API_KEY: 'ak_wrong_key_123456',
    });
    expect(result.code).toBe(3);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^gagent: Composio rejected the API key \(HTTP 401\).*Set COMPOSIO_API_KEY/);
    expect(result.stderr).not.toContain('{"error"');
  });

  it('says COMPOSIO_API_KEY is missing with exit 3', async () => {
    const result = await gagent(['connect', 'gmail'], { COMPOSIO_API_KEY: undefined });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('COMPOSIO_API_KEY is not set');
  });

  it('exits 4 while Composio answers 500, and succeeds once it recovers', async () => {
    world.composio.inject({ status: 500, count: 1, message: 'database is on fire' });
    const failed = await gagent(['connect', 'gmail', '--no-browser']);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(
      /gagent: Composio at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\) while listing auth configs: database is on fire\. Try again/,
    );
    expect(await dbRows()).toMatchObject({ connected_accounts: 0, oauth_pending: 0 });
    const { link, done } = await startConnect(['gmail', '--no-browser']);
    await followLink(link);
    expect((await done).code).toBe(0);
  });

  it('uses a provisioned Composio MCP server when COMPOSIO_MCP_SERVER_ID is set, with a normalized URL', async () => {
    const server = world.composio.state.createMcpServer(
      'gagent-gmail',
      ['gmail'],
      ['ac_gmail01'],
      ['GMAIL_SEND_EMAIL'],
    );
    const { link, done } = await startConnect(['gmail', '--no-browser', '--json'], {
      COMPOSIO_MCP_SERVER_ID: server.id,
    });
    await followLink(link);
    const result = await done;
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const url = new URL(doc.mcpUrl);
    expect(url.pathname).toBe(`/v3/mcp/${server.id}/mcp`);
    expect(url.searchParams.get('user_id')).toBe('singleton');
    expect(url.searchParams.get('connected_account_id')).toBe(doc.connectedAccountId);
    expect(doc.tools).toEqual(['gmail_send_email', 'gmail_fetch_emails']);
    expect(world.composio.apiRequests().some((r) => r.path === '/api/v3.1/mcp/servers/generate')).toBe(true);
  });

  it('refuses a provider name that is not a toolkit slug (exit 2)', async () => {
    const result = await gagent(['connect', 'Gmail!']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"Gmail!" is not a valid provider name.');
  });
});

describe('gagent status / disconnect', () => {
  async function connect(provider: string, user = 'singleton') {
    const { link, done } = await startConnect([provider, '--no-browser', '--user', user]);
    await followLink(link);
    const result = await done;
    expect(result.code).toBe(0);
  }

  it('prints the documented JSON shape, asks Composio at most every 30 s, and --refresh asks again', async () => {
    await connect('gmail');
    world.composio.clearRequests();
    const first = await gagent(['status', '--json']);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc).toEqual({
      user: 'singleton',
      providers: [
        {
          provider: 'gmail',
          status: 'ACTIVE',
          authorized: true,
          connectedAccountId: expect.stringMatching(/^ca_/),
          lastSyncedAt: expect.any(String),
        },
        {
          provider: 'slack',
          status: 'NOT_CONNECTED',
          authorized: false,
          connectedAccountId: null,
          lastSyncedAt: expect.any(String),
        },
      ],
    });
    // connect synced gmail moments ago; slack, never checked, is looked up at Composio once.
    const requests = () => world.composio.apiRequests().map((r) => `${r.method} ${r.path}`);
    expect(requests()).toEqual(['GET /api/v3.1/connected_accounts']);
    expect(world.composio.apiRequests()[0]?.query).toMatchObject({
      user_ids: 'singleton',
      toolkit_slugs: 'slack',
    });
    world.composio.clearRequests();
    const second = await gagent(['status', '--json']);
    expect(second.code).toBe(0);
    expect(requests()).toEqual([]);
    const refreshed = await gagent(['status', '--refresh', '--json']);
    expect(refreshed.code).toBe(0);
    expect(requests().sort()).toEqual(
      [
        `GET /api/v3.1/connected_accounts/${doc.providers[0].connectedAccountId}`,
        'GET /api/v3.1/connected_accounts',
      ].sort(),
    );
  });

  it('shows an account that expired at Composio once it is checked again', async () => {
    await connect('gmail');
    const account = [...world.composio.state.accounts.values()].find((a) => a.status === 'ACTIVE');
    world.composio.setAccountStatus(
      account?.id as string,
      'EXPIRED',
      'Permanent auth error during token refresh',
    );
    const result = await gagent(['status', '--refresh', '--json']);
    expect(JSON.parse(result.stdout).providers[0]).toMatchObject({
      provider: 'gmail',
      status: 'EXPIRED',
      authorized: false,
    });
  });

  it('disconnect makes the provider unauthorized at once; a sync never brings it back; --revoke deletes it at Composio', async () => {
    await connect('gmail');
    const off = await gagent(['disconnect', 'gmail', '--json']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).toMatchObject({
      provider: 'gmail',
      status: 'DISCONNECTED',
      revoked: false,
    });
    const status = JSON.parse((await gagent(['status', '--refresh', '--json'])).stdout);
    expect(status.providers[0]).toMatchObject({
      provider: 'gmail',
      status: 'DISCONNECTED',
      authorized: false,
    });
    // Composio still says ACTIVE; only connect authorizes again.
    expect([...world.composio.state.accounts.values()].some((a) => a.status === 'ACTIVE' && !a.deleted)).toBe(
      true,
    );
    const tools = JSON.parse((await gagent(['tools', 'list', '--json'])).stdout);
    expect(tools.servers).toEqual([]);

    // Composio still holds the ACTIVE account, so reconnecting needs no new authorization.
    const again = await gagent(['connect', 'gmail', '--no-browser']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already authorized at Composio');
    expect(JSON.parse((await gagent(['status', '--json'])).stdout).providers[0]).toMatchObject({
      status: 'ACTIVE',
      authorized: true,
    });
    const revoked = await gagent(['disconnect', 'gmail', '--revoke', '--json']);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ status: 'DISCONNECTED', revoked: true });
    expect([...world.composio.state.accounts.values()].every((a) => a.deleted || a.status !== 'ACTIVE')).toBe(
      true,
    );
  });

  it('keeps two users apart', async () => {
    await connect('gmail', 'alice');
    await connect('slack', 'bob');
    const alice = JSON.parse((await gagent(['status', '--json', '--user', 'alice'])).stdout);
    const bob = JSON.parse((await gagent(['status', '--json'], { GAGENT_USER: 'bob' })).stdout);
    expect(
      alice.providers.map((p: { provider: string; status: string }) => `${p.provider}:${p.status}`),
    ).toEqual(['gmail:ACTIVE', 'slack:NOT_CONNECTED']);
    expect(
      bob.providers.map((p: { provider: string; status: string }) => `${p.provider}:${p.status}`),
    ).toEqual(['gmail:NOT_CONNECTED', 'slack:ACTIVE']);
    const aliceTools = JSON.parse((await gagent(['tools', 'list', '--json', '--user', 'alice'])).stdout);
    expect(aliceTools.servers.map((s: { name: string }) => s.name)).toEqual(['gmail']);
  });
});

describe('crash safety', () => {
  it('a connect killed between link and finalize leaves no half-written rows, and a re-run resumes it', async () => {
    const { cli, link } = await startConnect(['gmail', '--no-browser']);
    cli.child.kill('SIGKILL');
    await cli.done;
    expect(await dbRows()).toMatchObject({
      users: 0,
      auth_configs: 0,
      connected_accounts: 0,
      mcp_connections: 0,
      oauth_pending: 1,
    });
    // The user finishes in the browser after the crash.
    await followLink(link);
    world.composio.clearRequests();
    const rerun = await gagent(['connect', 'gmail', '--no-browser']);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain('resuming an earlier connect');
    expect(world.composio.apiRequests().some((r) => r.path.endsWith('/connected_accounts/link'))).toBe(false);
    expect(await dbRows()).toMatchObject({
      users: 1,
      auth_configs: 1,
      connected_accounts: 1,
      mcp_connections: 1,
      oauth_pending: 0,
    });
  });

  it('Ctrl+C while waiting exits 130, with nothing half-written, and deletes the unfinished authorization at Composio', async () => {
    const { cli } = await startConnect(['gmail', '--no-browser']);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('gagent: Interrupted.');
    expect(await dbRows()).toMatchObject({ connected_accounts: 0, mcp_connections: 0, oauth_pending: 0 });
    expect([...world.composio.state.accounts.values()].filter((a) => !a.deleted)).toEqual([]);
  });

  it('eight concurrent connects of one account leave one row of each', async () => {
    const { link, done } = await startConnect(['gmail', '--no-browser']);
    await followLink(link);
    expect((await done).code).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => runGagent(['connect', 'gmail', '--no-browser', '--json'], world.env())),
    );
    for (const r of results) keep(r);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const ids = new Set(results.map((r) => JSON.parse(r.stdout).connectedAccountId));
    expect(ids.size).toBe(1);
    expect(await dbRows()).toMatchObject({
      users: 1,
      auth_configs: 1,
      connected_accounts: 1,
      mcp_connections: 1,
    });
  });
});
