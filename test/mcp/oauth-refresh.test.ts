/**
 * A stored login in use (src/mcp/oauth/stored-provider.ts, refresh-ahead.ts), as a run uses it:
 * tokens refreshed before they expire, and by the SDK on a 401 mid-session; a spent login ends in
 * one sentence and exit 3, never in a sign-in; two processes never spend one refresh token twice.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyMcpError } from '../../src/mcp/errors.js';
import { StoredOAuthProvider } from '../../src/mcp/oauth/stored-provider.js';
import { storedTokens } from '../../src/mcp/oauth/stored-state.js';
import { Store } from '../../src/store/store.js';
import { startOAuthFake } from '../fakes/mcp/oauth-server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { connectWithStoredLogin, signIn } from '../helpers/mcp-oauth.js';
import { startSdkOAuthExample } from '../helpers/sdk-oauth-example.js';
import { tempDir } from '../helpers/temp.js';
import { until } from '../helpers/until.js';

const cleanups = cleanupAfterEach();

async function openStore(file = path.join(tempDir('gagent-oauth-'), 'gagent.db')): Promise<Store> {
  const store = await Store.open(file);
  cleanups.push(() => store.close());
  return store;
}

async function tokensOf(store: Store, name = 'fake') {
  const row = await store.mcpServers.oauth('alice', name);
  return { tokens: storedTokens(row), expiresAt: row?.expiresAt ?? null };
}

/** Makes the stored access token look like it expires in `ms` (negative: expired). */
async function expireIn(store: Store, ms: number, name = 'fake'): Promise<void> {
  const row = await store.mcpServers.oauth('alice', name);
  await store.mcpServers.saveOauth('alice', name, row?.serverUrl as string, {
    expiresAt: new Date(Date.now() + ms).toISOString(),
  });
}

async function loggedIn(options: Parameters<typeof startOAuthFake>[0] = {}) {
  const fake = cleanups.later(await startOAuthFake(options));
  const store = await openStore();
  await signIn(store, { name: 'fake', url: fake.url });
  return { fake, store, server: { name: 'fake', url: fake.url } };
}

async function whoami(store: Store, server: { name: string; url: string }): Promise<string> {
  const session = await connectWithStoredLogin(store, server);
  try {
    const result = await session.client.callTool({ name: 'whoami', arguments: {} });
    return JSON.stringify(result.content);
  } finally {
    await session.close();
  }
}

describe('a stored login in use', () => {
  it('refreshes a token that expires within the minute before using it, and rotates the refresh token', async () => {
    const { fake, store, server } = await loggedIn();
    const before = await tokensOf(store);
    const loginRequests = fake.mcpStatuses.length;
    await expireIn(store, 20_000);
    expect(await whoami(store, server)).toContain('client ');
    const after = await tokensOf(store);
    expect(fake.refreshes).toEqual({ ok: 1, refused: 0 });
    // Refreshed before use: the server never had to refuse the old token.
    expect(fake.mcpStatuses.slice(loginRequests)).not.toContain(401);
    expect(after.tokens?.access_token).not.toBe(before.tokens?.access_token);
    expect(after.tokens?.refresh_token).not.toBe(before.tokens?.refresh_token);
    expect(fake.liveRefreshTokens()).toEqual([after.tokens?.refresh_token]);
    expect(Date.parse(after.expiresAt as string)).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it('keeps the refresh token when the refresh answer carries none', async () => {
    const { fake, store, server } = await loggedIn({ rotateRefreshTokens: false });
    const before = await tokensOf(store);
    await expireIn(store, -1_000);
    await whoami(store, server);
    const after = await tokensOf(store);
    expect(fake.refreshes.ok).toBe(1);
    expect(after.tokens?.access_token).not.toBe(before.tokens?.access_token);
    expect(after.tokens?.refresh_token).toBe(before.tokens?.refresh_token);
  });

  it('refreshes a one-minute token only in the second half of its life, not before every request', async () => {
    const { fake, store, server } = await loggedIn({ accessTokenSeconds: 60 });
    await whoami(store, server);
    await whoami(store, server);
    expect(fake.refreshes.ok).toBe(0);
  });

  it('on a 401 mid-session the SDK refreshes and the call goes through', async () => {
    const { fake, store, server } = await loggedIn();
    const before = await tokensOf(store);
    const session = await connectWithStoredLogin(store, server);
    await session.client.listTools();
    fake.revokeAccessTokens();
    const result = await session.client.callTool({ name: 'whoami', arguments: {} });
    await session.close();
    expect(JSON.stringify(result.content)).toContain('client ');
    expect(fake.mcpStatuses).toContain(401);
    expect(fake.refreshes).toEqual({ ok: 1, refused: 0 });
    const after = await tokensOf(store);
    expect(after.tokens?.refresh_token).not.toBe(before.tokens?.refresh_token);
    expect(fake.liveRefreshTokens()).toEqual([after.tokens?.refresh_token]);
  });

  it.each([
    ['revoked mid-life', 60 * 60_000],
    ['expired', -1_000],
  ])(
    'a %s token whose refresh token is refused too: one sentence, exit 3, no sign-in, no token shown',
    async (_case, expiry) => {
      const { fake, store, server } = await loggedIn();
      const { tokens } = await tokensOf(store);
      await expireIn(store, expiry);
      fake.revokeAll();
      const failure = await connectWithStoredLogin(store, server).catch((err) => err);
      const classified = classifyMcpError(failure, 'fake', 'connecting');
      expect(classified.message).toBe(
        'The MCP server "fake" needs you to log in again: gagent mcp login fake',
      );
      expect(classified.exitCode).toBe(3);
      expect(fake.authorizations).toHaveLength(1); // the login's own, none from the run
      expect(fake.refreshes.refused).toBe(1);
      for (const text of [classified.message, String(classified.stack), String(failure?.stack)]) {
        expect(text).not.toContain(tokens?.access_token);
        expect(text).not.toContain(tokens?.refresh_token);
      }
    },
  );

  it('the SDK example, restarted, answers HTTP 500 to a token it forgot: gagent says so (exit 4) and starts no sign-in', async () => {
    // Its token verifier throws a plain Error for an unknown token, which the SDK's bearer
    // middleware turns into 500, not 401: nothing tells a client its login is gone.
    const example = cleanups.later(await startSdkOAuthExample());
    const store = await openStore();
    const server = { name: 'demo', url: example.url };
    await signIn(store, server);
    const { tokens } = await tokensOf(store, 'demo');
    await example.restart();
    const failure = await connectWithStoredLogin(store, server).catch((err) => err);
    const classified = classifyMcpError(failure, 'demo', 'connecting');
    expect(classified.message).toBe('The MCP server "demo" answered HTTP 500 while connecting.');
    expect(classified.exitCode).toBe(4);
    expect(String(classified.stack)).not.toContain(tokens?.access_token);
  });
  it('a token of the SDK example past its stored expiry, with no refresh token: log in again, exit 3, without asking the server', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const store = await openStore();
    const server = { name: 'demo', url: example.url };
    await signIn(store, server);
    await expireIn(store, -1_000, 'demo');
    const failure = await connectWithStoredLogin(store, server).then(
      async (session) => {
        await session.close();
        return new Error('connected with an expired login');
      },
      (err: unknown) => err,
    );
    const classified = classifyMcpError(failure, 'demo', 'connecting');
    expect(classified.message).toBe('The MCP server "demo" needs you to log in again: gagent mcp login demo');
    expect(classified.exitCode).toBe(3);
  });
});

describe('two processes sharing one login', () => {
  it('refresh it once between them: the other waits and uses the new tokens', async () => {
    const { fake, store } = await loggedIn();
    const file = path.join(path.dirname(store.location), 'gagent.db');
    const other = await openStore(file);
    await expireIn(store, 5_000);
    const server = { name: 'fake', url: fake.url };
    // The second asks while the first is refreshing (its refresh held at the server).
    const claims: boolean[] = [];
    const claim = other.mcpServers.claimOauthRefresh.bind(other.mcpServers);
    other.mcpServers.claimOauthRefresh = async (...args) => {
      const got = await claim(...args);
      claims.push(got);
      return got;
    };
    const held = fake.hold('refresh');
    const first = whoami(store, server);
    await held.arrived;
    const second = whoami(other, server);
    await until(async () => (claims.length > 0 ? true : undefined));
    expect(claims).toEqual([false]);
    held.release();
    const answers = await Promise.all([first, second]);
    for (const answer of answers) expect(answer).toContain('client ');
    expect(fake.refreshes).toEqual({ ok: 1, refused: 0 });
    const stored = await tokensOf(store);
    expect(fake.liveRefreshTokens()).toEqual([stored.tokens?.refresh_token]);
    expect((await store.mcpServers.oauth('alice', 'fake'))?.refreshingUntil).toBeNull();
  });

  it('a refresh after a 401 never overwrites tokens another process saved meanwhile', async () => {
    const { fake, store } = await loggedIn();
    const server = { name: 'fake', url: fake.url };
    const provider = new StoredOAuthProvider({
      store,
      userId: 'alice',
      server,
      fetch,
      redirectUrl: 'http://127.0.0.1:1/callback',
    });
    const served = await provider.tokens();
    const newer = { access_token: 'at-newer', token_type: 'bearer', refresh_token: 'rt-newer' };
    await store.mcpServers.saveOauth('alice', 'fake', fake.url, { tokens: newer });
    await provider.saveTokens({
      ...(served as object),
      access_token: 'at-older',
      token_type: 'bearer',
      refresh_token: 'rt-older',
    });
    expect((await tokensOf(store)).tokens).toMatchObject({
      access_token: 'at-newer',
      refresh_token: 'rt-newer',
    });
  });
});
