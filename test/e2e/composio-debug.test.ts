import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { runGagent, spawnGagent } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld } from '../helpers/composio-env.js';
import { runInTerminal } from '../helpers/terminal.js';

let world: ComposioWorld;
beforeEach(async () => {
  world = await startComposioWorld();
});
afterEach(async () => {
  await world.close();
});

describe('gagent debug (Composio)', () => {
  it('composio-ping: reachable with a valid key; exit 3 for a bad key; exit 4 when unreachable', async () => {
    const ok = await runGagent(['debug', 'composio-ping', '--json'], world.env());
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      baseUrl: world.composio.baseUrl,
      reachable: true,
      keyValid: true,
      latencyMs: expect.any(Number),
    });
    // A rejected key is still an answer: reachable, key invalid, with the latency.
    const bad = await runGagent(
      ['debug', 'composio-ping', '--json'],
      world.env({ COMPOSIO_API_KEY: 'ak_bad_key_77777' }),
    );
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout)).toEqual({
      baseUrl: world.composio.baseUrl,
      reachable: true,
      keyValid: false,
      latencyMs: expect.any(Number),
      httpStatus: 401,
    });
    expect(bad.stderr).toContain('gagent: Composio rejected the API key (HTTP 401)');
    const badText = await runInTerminal(
      ['debug', 'composio-ping'],
      world.env({ COMPOSIO_API_KEY: 'ak_bad_key_77777' }),
    );
    expect(badText.code).toBe(3);
    expect(badText.output).toMatch(
      new RegExp(`Composio at ${world.composio.baseUrl}: reachable, key invalid \\(HTTP 401, \\d+ ms\\)\\.`),
    );
    expect(badText.output).not.toContain('ak_bad_key_77777');
    const down = await runGagent(
      ['debug', 'composio-ping'],
      world.env({ COMPOSIO_BASE_URL: 'http://127.0.0.1:9' }),
    );
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Cannot reach Composio at 127.0.0.1:9');
  });

  it('auth-configs lists the project configs and says which one an env var pins', async () => {
    const result = await runGagent(
      ['debug', 'auth-configs', 'gmail', '--json'],
      world.env({ COMPOSIO_GMAIL_AUTH_CONFIG_ID: 'ac_gmail01' }),
    );
    expect(JSON.parse(result.stdout).authConfigs).toEqual([
      {
        id: 'ac_gmail01',
        toolkit: 'gmail',
        status: 'ENABLED',
        authScheme: 'OAUTH2',
        managed: true,
        pinnedBy: 'gmail',
      },
    ]);
  });

  it('redirect shows the callback and the link request connect would make, creating nothing', async () => {
    const result = await runGagent(
      ['debug', 'redirect', 'slack', '--json'],
      world.env({ COMPOSIO_REDIRECT: 'http://localhost:53682/oauth/done' }),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      provider: 'slack',
      authConfigId: 'ac_slack01',
      callbackUrl: 'http://localhost:53682/oauth/done?state=<random per connect>',
      linkRequest: { method: 'POST', url: `${world.composio.baseUrl}/api/v3.1/connected_accounts/link` },
      existingActiveAccount: null,
    });
    expect(world.composio.apiRequests().some((r) => r.method === 'POST')).toBe(false);
    expect(world.composio.state.accounts.size).toBe(0);
  });

  it("connected-accounts shows Composio's view beside the database's", async () => {
    const connect = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    await followLink((await connect.waitFor(LINK_PATTERN))[0] as string);
    expect((await connect.done).code).toBe(0);
    const result = await runGagent(['debug', 'connected-accounts', '--json'], world.env());
    const doc = JSON.parse(result.stdout);
    expect(doc.composio).toEqual([
      {
        id: expect.stringMatching(/^ca_/),
        toolkit: 'gmail',
        authConfigId: 'ac_gmail01',
        status: 'ACTIVE',
        statusReason: null,
      },
    ]);
    expect(doc.database[0]).toMatchObject({
      provider: 'gmail',
      status: 'ACTIVE',
      connectedAccountId: doc.composio[0].id,
    });
  });

  it('creates a Composio-managed auth config when the toolkit has none, and says so', async () => {
    const connect = spawnGagent(['connect', 'notion', '--no-browser'], world.env());
    await followLink((await connect.waitFor(LINK_PATTERN))[0] as string);
    const result = await connect.done;
    expect(result.stderr).toMatch(
      /No notion auth config existed in Composio; created a Composio-managed one \(ac_/,
    );
    expect([...world.composio.state.authConfigs.values()].map((c) => c.toolkit)).toContain('notion');
  });
});
