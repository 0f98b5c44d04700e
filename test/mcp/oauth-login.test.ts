/**
 * Signing in to a remote MCP server (src/mcp/oauth/login.ts) against real servers on loopback:
 * the MCP SDK's own example server with its demo OAuth (which no one here wrote), and the
 * SDK-built fake for what the example lacks (RFC 9207 `iss`, a denial).
 */
import { describe, expect, it } from 'vitest';
import { GagentError } from '../../src/errors.js';
import { storedClient, storedTokens } from '../../src/mcp/oauth/stored-state.js';
import { startOAuthFake } from '../fakes/mcp/oauth-server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { addRemoteServer, connectWithStoredLogin, signIn, stubBrowser } from '../helpers/mcp-oauth.js';
import { startSdkOAuthExample } from '../helpers/sdk-oauth-example.js';
import { tempStore } from '../helpers/store.js';

const cleanups = cleanupAfterEach();

async function openStore() {
  const opened = await tempStore();
  cleanups.push(() => opened.cleanup());
  return opened.store;
}

describe('signing in to the SDK example server', () => {
  it('discovers, registers, authorizes with PKCE S256 and resource through the loopback callback, and a client then uses the stored login', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const store = await openStore();
    await addRemoteServer(store, 'alice', 'demo', example.url);
    const result = await signIn(store, { name: 'demo', url: example.url });
    expect(result.needed).toBe(true);
    expect(result.tools).toContain('greet');
    expect(result.issuer).toBe(example.authServer);

    const [link] = result.links;
    const authorize = new URL(link as string);
    expect(authorize.origin + authorize.pathname).toBe(`${example.authServer}authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('resource')).toBe(example.url);
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const redirect = new URL(authorize.searchParams.get('redirect_uri') as string);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(redirect.pathname).toBe('/callback');

    const row = await store.mcpServers.oauth('alice', 'demo');
    expect(storedClient(row)?.client_id).toBe(authorize.searchParams.get('client_id'));
    expect(storedTokens(row)?.access_token).toBeTruthy();
    expect(row?.expiresAt).not.toBeNull();
    // The verifier is spent once the code was exchanged.
    expect(row?.codeVerifier).toBeNull();

    const session = await connectWithStoredLogin(store, { name: 'demo', url: example.url });
    const called = await session.client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
    expect(JSON.stringify(called.content)).toContain('Hello, Ada!');
    await session.close();
  });

  it('signs in to the strict example, which accepts only tokens issued for it (RFC 8707)', async () => {
    const example = cleanups.later(await startSdkOAuthExample({ strict: true }));
    const store = await openStore();
    await addRemoteServer(store, 'alice', 'strict', example.url);
    const result = await signIn(store, { name: 'strict', url: example.url });
    expect(result.tools).toContain('greet');
    expect(result.toolProblem).toBeUndefined();
  });

  it('a second login on another port registers again and replaces the tokens', async () => {
    const example = cleanups.later(await startSdkOAuthExample());
    const store = await openStore();
    await addRemoteServer(store, 'alice', 'demo', example.url);
    await signIn(store, { name: 'demo', url: example.url });
    const first = await store.mcpServers.oauth('alice', 'demo');
    const second = await signIn(store, { name: 'demo', url: example.url });
    const now = await store.mcpServers.oauth('alice', 'demo');
    expect(storedClient(now)?.client_id).not.toBe(storedClient(first)?.client_id);
    expect(storedTokens(now)?.access_token).not.toBe(storedTokens(first)?.access_token);
    expect(second.tools).toContain('greet');
  });
});

describe('the answer a login accepts', () => {
  it('accepts an answer whose iss names the authorization server (RFC 9207)', async () => {
    const fake = cleanups.later(await startOAuthFake({ iss: 'right' }));
    const store = await openStore();
    const result = await signIn(store, { name: 'fake', url: fake.url });
    expect(result.tools).toEqual(['whoami']);
  });

  it.each([
    ['wrong', /came from "https:\/\/attacker\.example\/", not from the authorization server gagent asked/],
    ['absent', /does not name its authorization server, though .* promises to/],
  ] as const)('refuses an answer whose iss is %s, and saves no tokens', async (iss, message) => {
    const fake = cleanups.later(await startOAuthFake({ iss }));
    const store = await openStore();
    const browser = stubBrowser();
    const failure = await signIn(store, { name: 'fake', url: fake.url }, { open: browser.open }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(GagentError);
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toMatch(message);
    expect(storedTokens(await store.mcpServers.oauth('alice', 'fake'))).toBeUndefined();
    const [visit] = await Promise.all(browser.visits);
    expect(visit?.page).toContain('Sign-in failed');
  });

  it('ends with exit 3 and the server’s own words when the user denies access', async () => {
    const fake = cleanups.later(await startOAuthFake({ deny: true }));
    const store = await openStore();
    const failure = await signIn(store, { name: 'fake', url: fake.url }).catch((e) => e);
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toBe(
      'The authorization server refused the sign-in to the MCP server "fake": access_denied (The user said no.).',
    );
  });

  it('a server that asks for credentials but offers no OAuth: one sentence, exit 3', async () => {
    const { startFakeMcpServer } = await import('../fakes/mcp/server.js');
    const keyed = cleanups.later(await startFakeMcpServer({ tools: [], bearer: 'api-key' }));
    const store = await openStore();
    const failure = await signIn(store, { name: 'keyed', url: keyed.url.href }).catch((e) => e);
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toBe(
      'The MCP server "keyed" asks for credentials but offers no OAuth sign-in that gagent could find.',
    );
    expect(failure.hint).toContain('give it as a header');
  });

  it('an authorization server without registration: it says to register by hand, with the flags to use', async () => {
    const fake = cleanups.later(await startOAuthFake({ registration: false }));
    const store = await openStore();
    const failure = await signIn(store, { name: 'fake', url: fake.url }).catch((e) => e);
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toBe(
      'The authorization server of the MCP server "fake" does not let gagent register itself.',
    );
    expect(failure.hint).toContain('gagent mcp login fake --client-id <id> --callback-port <port>');
    expect(fake.authorizations).toHaveLength(0);
  });

  it('says so when a server answers without any login', async () => {
    const { startFakeMcpServer, text } = await import('../fakes/mcp/server.js');
    const open = cleanups.later(
      await startFakeMcpServer({
        tools: [{ name: 'ping', inputSchema: { type: 'object' }, handler: () => text('pong') }],
      }),
    );
    const store = await openStore();
    const result = await signIn(store, { name: 'open', url: open.url.href });
    expect(result).toMatchObject({ needed: false, tools: ['ping'] });
    expect(await store.mcpServers.oauth('alice', 'open')).toBeUndefined();
  });
});
