/**
 * What a new user meets on day one, through the built binary: status that really asks Composio,
 * connect that cleans up after itself, the callback page, configuration checked per command,
 * usage errors, and one-sentence errors for bad answers and bad databases.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld } from '../helpers/composio-env.js';

let world: ComposioWorld;
beforeEach(async () => {
  world = await startComposioWorld();
});
afterEach(async () => {
  await world.close();
});

const gagent = (args: string[], extra: Record<string, string | undefined> = {}) =>
  runGagent(args, world.env(extra));
const live = () => [...world.composio.state.accounts.values()].filter((a) => !a.deleted);

describe('status asks Composio', () => {
  it('finds an account connected outside gagent (another machine, the dashboard) and sets it up here', async () => {
    // alice connected Gmail somewhere else: Composio has an ACTIVE account, this machine has nothing.
    const made = world.composio.state.createAccount('alice', 'ac_gmail01', null, 'ACTIVE');
    world.composio.state.createAccount('bob', 'ac_gmail01', null, 'ACTIVE');
    const result = await gagent(['status', '--refresh', '--json', '--user', 'alice']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).providers[0]).toMatchObject({
      provider: 'gmail',
      status: 'ACTIVE',
      authorized: true,
      connectedAccountId: made.id,
      lastSyncedAt: expect.any(String),
    });
    expect(result.stderr).toContain(`found gmail connected at Composio for alice (${made.id})`);
    // Set up as connect would: the MCP connection works, its tools are there.
    const tools = JSON.parse((await gagent(['tools', 'list', '--json', '--user', 'alice'])).stdout);
    expect(tools.servers).toMatchObject([{ name: 'gmail', source: 'composio', state: 'ready' }]);
    // bob's account is bob's.
    const bob = JSON.parse((await gagent(['status', '--json', '--user', 'carol'])).stdout);
    expect(bob.providers[0]).toMatchObject({ status: 'NOT_CONNECTED', connectedAccountId: null });
  });

  it('--refresh that cannot ask is an error: 3 without or with a wrong key, 4 when Composio is down', async () => {
    const noKey = await gagent(['status', '--refresh'], { COMPOSIO_API_KEY: undefined });
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toContain('COMPOSIO_API_KEY is not set');
    const wrong = await gagent(['status', '--refresh'], { COMPOSIO_API_KEY: 'ak_wrong_key_1234' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('Composio rejected the API key');
    const down = await gagent(['status', '--refresh'], { COMPOSIO_BASE_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Cannot reach Composio');
  });

  it('a plain status shows the last known state with a warning when Composio fails or does not answer', async () => {
    const down = await gagent(['status', '--json'], { COMPOSIO_BASE_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(0);
    expect(down.stderr).toContain('could not check with Composio, showing the last known state');
    // Nothing was checked, so nothing claims to have been.
    expect(JSON.parse(down.stdout).providers.map((p: { lastSyncedAt: unknown }) => p.lastSyncedAt)).toEqual([
      null,
      null,
    ]);
    world.composio.slow(/GET \/api\/v3\.1\/connected_accounts/, 60_000);
    const hanging = await gagent(['status', '--json']);
    expect(hanging.code).toBe(0);
    expect(hanging.stderr).toContain('Composio did not answer within 4 s');
  });
});

describe('connect leaves nothing behind', () => {
  it('deletes the authorization it created when it times out', async () => {
    const result = await gagent(['connect', 'gmail', '--no-browser', '--timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Timed out after 1 s waiting for the Gmail authorization');
    expect(live()).toEqual([]);
    expect(result.stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('deletes the losing authorization when another gagent process connects first', async () => {
    const first = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    const second = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    const [link] = await first.waitFor(LINK_PATTERN);
    await second.waitFor(LINK_PATTERN);
    await followLink(link as string);
    const results = await Promise.all([first.done, second.done]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(live().map((a) => a.status)).toEqual(['ACTIVE']);
  });

  it('the callback page accepts only Composio’s answer; anything else says so and keeps waiting', async () => {
    const cli = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    const [link] = await cli.waitFor(LINK_PATTERN);
    const { callbackUrl } = await followLink(link as string);
    const real = new URL(callbackUrl as string);
    for (const status of [null, 'pending', '<script>']) {
      const fake = new URL(real);
      if (status === null) fake.searchParams.delete('status');
      else fake.searchParams.set('status', status);
      const page = await fetch(fake);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('Not finished yet');
    }
    const done = await fetch(real);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Connected');
    expect((await cli.done).code).toBe(0);
  });

  it('debug redirect creates nothing, not even an auth config for a toolkit without one', async () => {
    const result = await gagent(['debug', 'redirect', 'notion', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      provider: 'notion',
      authConfigId: null,
      authConfigSource: 'none yet: connect would create a Composio-managed auth config',
    });
    expect(world.composio.apiRequests().filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('configuration is checked where it is used', () => {
  it('a bad run-only variable does not break status, connect or tools list', async () => {
    const bad = { GAGENT_MODEL: 'bogus', GAGENT_CONTROLLER: 'nowhere', GAGENT_MODEL_TIMEOUT: 'soon' };
    expect((await gagent(['status', '--json'], bad)).code).toBe(0);
    expect((await gagent(['tools', 'list', '--json'], bad)).code).toBe(0);
    expect((await gagent(['debug', 'redirect', 'gmail', '--json'], bad)).code).toBe(0);
    const run = await gagent(['run', 'x', '--controller', 'none'], bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GAGENT_MODEL must look like openai:<model>');
  });

  it('an empty --user is an error, and DB_URL=file:~/… is in the home directory', async () => {
    const empty = await gagent(['status', '--user', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('"" is not a valid user id (from --user)');
    const home = tempHome();
    const tilde = await runGagent(['debug', 'db', '--json'], cliEnv(home, { DB_URL: 'file:~/mine.db' }));
    expect(tilde.code).toBe(0);
    expect(JSON.parse(tilde.stdout).path).toBe(path.join(home, 'mine.db'));
    expect(fs.existsSync(path.join(process.cwd(), '~'))).toBe(false);
    const missing = path.join(home, 'missing-dir', 'x.db');
    const typo = await runGagent(['runs', 'list'], cliEnv(home, { DB_URL: `file:${missing}` }));
    expect([typo.code, typo.stderr.trim()]).toEqual([
      2,
      `gagent: DB_URL names ${missing}, but its folder ${path.dirname(missing)} does not exist. Create the folder first, or point DB_URL at a file in a folder that exists.`,
    ]);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it('COMPOSIO_REDIRECT keeps its port, must be http, and must be this machine — for connect and debug redirect alike', async () => {
    const port80 = await gagent(['debug', 'redirect', 'gmail', '--json'], {
      COMPOSIO_REDIRECT: 'http://127.0.0.1:80/back',
    });
    expect(JSON.parse(port80.stdout).callbackUrl).toBe('http://127.0.0.1:80/back?state=<random per connect>');
    for (const command of [
      ['debug', 'redirect', 'gmail'],
      ['connect', 'gmail', '--no-browser'],
    ]) {
      const https = await gagent(command, { COMPOSIO_REDIRECT: 'https://127.0.0.1:8443/back' });
      expect(https.code).toBe(2);
      expect(https.stderr).toContain('COMPOSIO_REDIRECT must be an http URL');
      const remote = await gagent(command, { COMPOSIO_REDIRECT: 'http://example.com/back' });
      expect(remote.code).toBe(2);
      expect(remote.stderr).toContain('COMPOSIO_REDIRECT must point at this machine');
    }
    expect(live()).toEqual([]);
  });
});

describe('usage errors and one-sentence errors', () => {
  it.each([
    [['connect'], "gagent: missing required argument 'provider'"],
    [['status', '--jsno'], "gagent: unknown option '--jsno'"],
    [['tools', 'lst'], "gagent: unknown command 'lst'"],
    [
      ['run', 'x', '--controller', 'bogus'],
      "gagent: option '--controller <name>' argument 'bogus' is invalid",
    ],
    [['runs', 'show'], "gagent: missing required argument 'id'"],
    [['runs'], 'gagent: "runs" needs a subcommand'],
    [['approvals', 'revoke'], "gagent: missing required argument 'server'"],
  ])('gagent %j exits 2 with a gagent: sentence', async (args, message) => {
    const result = await gagent(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/^error:/m);
  });

  it('a garbage Composio answer is one sentence and exit 4, never JavaScript internals', async () => {
    world.composio.inject({
      status: 200,
      match: /GET \/api\/v3\.1\/connected_accounts$/,
      body: { nope: 1 },
      count: 2,
    });
    const listed = await gagent(['status', '--refresh']);
    expect(listed.code).toBe(4);
    expect(listed.stderr.trim()).toMatch(
      /^gagent: Composio at 127\.0\.0\.1:\d+ sent an answer gagent cannot use while listing connected accounts\. /,
    );
    expect(listed.stderr).not.toMatch(/Cannot read properties|undefined/);
    world.composio.inject({
      status: 200,
      match: /connected_accounts\/link/,
      body: { redirect_url: 'http://x' },
    });
    const linked = await gagent(['connect', 'gmail', '--no-browser']);
    expect(linked.code).toBe(4);
    expect(linked.stderr).toContain('sent an answer gagent cannot use while creating the authorization link');
  });

  it('a damaged database, or one from a newer gagent, is one sentence with the fix', async () => {
    const home = tempHome();
    const data = path.join(home, 'data');
    fs.mkdirSync(data, { mode: 0o700 });
    fs.writeFileSync(path.join(data, 'gagent.db'), 'this is not a database at all, just some text', {
      mode: 0o600,
    });
    const damaged = await runGagent(['status'], cliEnv(home));
    expect(damaged.code).toBe(1);
    expect(damaged.stderr.trim()).toBe(
      `gagent: The database ${path.join(data, 'gagent.db')} is damaged or is not a gagent database. Move it aside (gagent then starts a new, empty one), or set GAGENT_HOME (or DB_URL) to another place.`,
    );
    fs.rmSync(path.join(data, 'gagent.db'));
    expect((await runGagent(['debug', 'db'], cliEnv(home))).code).toBe(0);
    const db = new Database(path.join(data, 'gagent.db'));
    db.pragma('user_version = 99');
    db.close();
    const newer = await runGagent(['status'], cliEnv(home));
    expect(newer.code).toBe(1);
    expect(newer.stderr.trim()).toMatch(
      /^gagent: The database .*gagent\.db was written by a newer gagent \(schema 99; this one knows up to \d+\)\. Upgrade gagent/,
    );
  });
});
