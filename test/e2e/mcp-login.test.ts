/**
 * gagent mcp login / mcp logout / connect <added server>, the built binary against the MCP SDK's
 * own example server with its demo OAuth (no one here wrote it) and the SDK-built OAuth fake: a
 * browser (BROWSER) or the user (--no-browser) follows the link to our loopback callback.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { storedClient, storedTokens } from '../../src/mcp/oauth/stored-state.js';
import { Store } from '../../src/store/store.js';
import { startOAuthFake } from '../fakes/mcp/oauth-server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { type CliResult, cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { connectWithStoredLogin } from '../helpers/mcp-oauth.js';
import { startProxy } from '../helpers/proxy.js';
import { freePort, startSdkOAuthExample } from '../helpers/sdk-oauth-example.js';

const FAKE_BROWSER = fileURLToPath(new URL('../fixtures/browser.mjs', import.meta.url));
const LINK = /http:\/\/(?:localhost|127\.0\.0\.1):\d+\/authorize\?\S+/;
/** A secret of gagent's own that must not reach the browser it starts. */
const COMPOSIO_KEY = 'ck-SECRET-browser-env';

const cleanups = cleanupAfterEach();
const outputs: string[] = [];
const secrets = new Set<string>();
afterAll(() => {
  for (const text of outputs) for (const secret of secrets) expect(text).not.toContain(secret);
});

function keep(result: CliResult): CliResult {
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** A home whose database holds `servers` for the default user, as gagent mcp add would leave it. */
async function homeWith(servers: { name: string; url?: string; transport?: 'http' | 'stdio' }[]) {
  const home = tempHome();
  const store = await Store.open(path.join(home, 'data', 'gagent.db'));
  for (const s of servers) {
    await store.mcpServers.put({
      userId: 'singleton',
      name: s.name,
      transport: s.transport ?? 'http',
      url: s.url ?? null,
      command: s.transport === 'stdio' ? 'true' : null,
    });
  }
  await store.close();
  return home;
}

async function withStore<T>(home: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(path.join(home, 'data', 'gagent.db'));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The stored tokens, remembered as secrets no output may show. */
async function storedSecrets(home: string, name: string) {
  const tokens = await withStore(home, async (s) =>
    storedTokens(await s.mcpServers.oauth('singleton', name)),
  );
  for (const t of [tokens?.access_token, tokens?.refresh_token]) if (t) secrets.add(t);
  return tokens;
}

function browserEnv(home: string, extra: Record<string, string> = {}) {
  const record = path.join(home, 'browser.json');
  const env = cliEnv(home, {
    BROWSER: `${process.execPath} ${FAKE_BROWSER} ${record} %s`,
    COMPOSIO_API_KEY: COMPOSIO_KEY,
    ...extra,
  });
  return { env, seen: () => JSON.parse(fs.readFileSync(record, 'utf8')) };
}

describe('gagent mcp login', () => {
  it('signs in through the browser and the loopback callback; the stored login then calls a tool', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const home = await homeWith([{ name: 'demo', url: example.url }]);
    const { env, seen } = browserEnv(home);
    const result = keep(await runGagent(['mcp', 'login', 'demo', '--json'], env));
    expect(result.stderr).toContain('A browser window opened to sign in to "demo"');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({
      user: 'singleton',
      server: 'demo',
      loggedIn: true,
      issuer: example.authServer,
    });
    expect(doc.tools).toContain('greet');
    expect(Date.parse(doc.expiresAt)).toBeGreaterThan(Date.now());

    const browser = seen();
    const link = new URL(browser.link);
    expect(link.searchParams.get('code_challenge_method')).toBe('S256');
    expect(link.searchParams.get('resource')).toBe(example.url);
    expect(new URL(browser.finalUrl).searchParams.get('state')).toBe(link.searchParams.get('state'));
    expect(browser.status).toBe(200);
    expect(browser.page).toContain('Signed in');
    // The browser is a child process: it gets the environment without gagent's secrets.
    expect(JSON.stringify(browser.env)).not.toContain(COMPOSIO_KEY);

    const tokens = await storedSecrets(home, 'demo');
    expect(tokens?.access_token).toBeTruthy();
    await withStore(home, async (store) => {
      const session = await connectWithStoredLogin(store, { name: 'demo', url: example.url }, 'singleton');
      const called = await session.client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
      await session.close();
      expect(JSON.stringify(called.content)).toContain('Hello, Ada!');
    });
  });

  it('signs in to the strict example, which takes only tokens issued for it (resource, RFC 8707)', async () => {
    const example = cleanups.later(await startSdkOAuthExample({ strict: true }));
    const home = await homeWith([{ name: 'strict', url: example.url }]);
    const result = keep(await runGagent(['mcp', 'login', 'strict', '--json'], browserEnv(home).env));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ loggedIn: true, toolProblem: null });
    await storedSecrets(home, 'strict');
  });

  it('--no-browser prints the link and waits: a wrong state and a bare visit are refused, the real answer signs in', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const home = await homeWith([{ name: 'demo', url: example.url }]);
    const cli = spawnGagent(['mcp', 'login', 'demo', '--no-browser'], cliEnv(home, { BROWSER: 'false' }));
    const [link] = await cli.waitFor(LINK);
    expect(cli.stderr()).toContain('Open this link in a browser to sign in to "demo"');
    const authorized = await fetch(link as string, { redirect: 'manual' });
    const callback = new URL(authorized.headers.get('location') as string);
    expect(callback.hostname).toBe('127.0.0.1');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged');
    const refused = await fetch(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('does not belong to the gagent sign-in');
    const bare = new URL(callback);
    bare.searchParams.delete('code');
    expect((await fetch(bare)).status).toBe(400);
    const answered = await fetch(callback);
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('You can close this window');
    const result = keep(await cli.done);
    expect(result.code).toBe(0);
    // Not a terminal: one JSON document.
    expect(JSON.parse(result.stdout)).toMatchObject({ server: 'demo', loggedIn: true });
    await storedSecrets(home, 'demo');
  });

  it('accepts exactly one answer: a second callback while the first is being exchanged gets 409', async () => {
    const fake = cleanups.later(await startOAuthFake());
    const home = await homeWith([{ name: 'fake', url: fake.url }]);
    const cli = spawnGagent(['mcp', 'login', 'fake', '--no-browser'], cliEnv(home));
    const [link] = await cli.waitFor(LINK);
    const callback = (await fetch(link as string, { redirect: 'manual' })).headers.get('location') as string;
    const held = fake.hold('code');
    const first = fetch(callback);
    await held.arrived;
    const second = await fetch(callback);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('Already done');
    held.release();
    expect((await first).status).toBe(200);
    expect(keep(await cli.done).code).toBe(0);
    await storedSecrets(home, 'fake');
  });

  it('times out with one sentence and exit 1 when nobody signs in', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const home = await homeWith([{ name: 'demo', url: example.url }]);
    const result = keep(
      await runGagent(['mcp', 'login', 'demo', '--no-browser', '--timeout', '1'], cliEnv(home)),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^gagent: Timed out after 1 s waiting for the sign-in to the MCP server "demo"\. Open the link and finish signing in, or run gagent mcp login demo again \(use --timeout for more time\); if the sign-in page said the client is unknown, run gagent mcp logout demo first\.$/m,
    );
    expect(result.stdout).toBe('');
    expect(await storedSecrets(home, 'demo')).toBeUndefined();
  });

  it('ends with exit 3 and the server’s words when access is denied, and saves nothing', async () => {
    const fake = cleanups.later(await startOAuthFake({ deny: true }));
    const home = await homeWith([{ name: 'fake', url: fake.url }]);
    const result = keep(await runGagent(['mcp', 'login', 'fake'], browserEnv(home).env));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'gagent: The authorization server refused the sign-in to the MCP server "fake": access_denied (The user said no.).',
    );
    expect(await storedSecrets(home, 'fake')).toBeUndefined();
  });

  it('keeps a fixed --callback-port and a --client-id registered by hand, and uses them again', async () => {
    const fake = cleanups.later(await startOAuthFake());
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}/callback`;
    const registered = await fetch(new URL('/register', fake.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [redirect],
        token_endpoint_auth_method: 'none',
        client_name: 'by hand',
      }),
    });
    const clientId = (await registered.json()).client_id as string;
    const home = await homeWith([{ name: 'fake', url: fake.url }]);
    const { env, seen } = browserEnv(home);
    const args = ['mcp', 'login', 'fake', '--json', '--client-id', clientId, '--callback-port', String(port)];
    expect(keep(await runGagent(args, env)).code).toBe(0);
    expect(new URL(seen().link).searchParams.get('redirect_uri')).toBe(redirect);
    expect(new URL(seen().link).searchParams.get('client_id')).toBe(clientId);
    // The next login needs neither flag.
    expect(keep(await runGagent(['mcp', 'login', 'fake', '--json'], env)).code).toBe(0);
    expect(new URL(seen().link).searchParams.get('client_id')).toBe(clientId);
    await withStore(home, async (store) => {
      expect(await store.mcpServers.get('singleton', 'fake')).toMatchObject({
        oauthClientId: clientId,
        oauthCallbackPort: port,
      });
      expect(storedClient(await store.mcpServers.oauth('singleton', 'fake'))?.client_id).toBe(clientId);
    });
    await storedSecrets(home, 'fake');
  });

  it('refuses what it cannot sign in to, with exit 2', async () => {
    const home = await homeWith([{ name: 'local', transport: 'stdio' }]);
    const env = cliEnv(home);
    const missing = keep(await runGagent(['mcp', 'login', 'nope'], env));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('gagent: User "singleton" has no MCP server named "nope".');
    const stdio = keep(await runGagent(['mcp', 'login', 'local'], env));
    expect(stdio.code).toBe(2);
    expect(stdio.stderr).toContain('is a program on this machine (stdio); only a remote server has a login.');
    const port = keep(await runGagent(['mcp', 'login', 'local', '--callback-port', '70000'], env));
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--callback-port must be a whole number from 1 to 65535, got "70000".');
  });
});

describe('gagent connect and mcp logout of an added server', () => {
  it('connect <name> signs in to the added server without Composio; logout forgets the login', async () => {
    const fake = cleanups.later(await startOAuthFake());
    const home = await homeWith([{ name: 'fake', url: fake.url }]);
    const { env } = browserEnv(home, { GAGENT_DEBUG: '1' });
    const connected = keep(await runGagent(['connect', 'fake', '--json'], env));
    expect(connected.code).toBe(0);
    expect(JSON.parse(connected.stdout)).toMatchObject({ server: 'fake', loggedIn: true, tools: ['whoami'] });
    const tokens = await storedSecrets(home, 'fake');
    expect(tokens?.refresh_token).toMatch(/SECRET/);

    const out = keep(await runGagent(['mcp', 'logout', 'fake', '--json'], env));
    expect(JSON.parse(out.stdout)).toEqual({ user: 'singleton', server: 'fake', loggedOut: true });
    expect(await withStore(home, (s) => s.mcpServers.oauth('singleton', 'fake'))).toBeUndefined();
    const again = keep(await runGagent(['mcp', 'logout', 'fake', '--json'], env));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ loggedOut: false });
  });
});

describe.skipIf(unavailable(['tinyproxy'], 'the proxy test'))('mcp login behind a proxy', () => {
  it('sends every OAuth request (discovery, registration, token) through HTTP_PROXY', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const proxy = cleanups.later(await startProxy());
    const home = await homeWith([{ name: 'demo', url: example.url }]);
    const result = keep(
      await runGagent(['mcp', 'login', 'demo', '--json'], browserEnv(home, { HTTP_PROXY: proxy.url }).env),
    );
    expect(result.code, result.stderr).toBe(0);
    // The authorization server has a port of its own: whatever reached it went through the proxy.
    const authPort = new URL(example.authServer).port;
    expect(proxy.requests()).toContain(`CONNECT localhost:${authPort} HTTP/1.1`);
    await storedSecrets(home, 'demo');
  });
});
