/**
 * Refreshing a server's tokens before they expire, once across processes: a process claims the
 * refresh in the database (mcp_oauth.refreshing_until), re-reads the row (another may have just
 * refreshed), spends the refresh token, and saves the new tokens only if the row still holds the
 * token it spent. The others wait for the claim to end and read what it saved. Spending one
 * refresh token twice would look like theft to a rotating authorization server, which may then
 * revoke the whole login.
 */
import {
  discoverOAuthServerInfo,
  type OAuthClientProvider,
  refreshAuthorization,
  selectResourceURL,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '../../http.js';
import type { McpOauthRow } from '../../store/mcp-servers.js';
import type { Store } from '../../store/store.js';
import { expiresSoon, expiryOf, type OAuthServer, storedTokens } from './stored-state.js';

/** How long a claim holds: longer than any refresh takes; a crashed refresher's claim lapses. */
const CLAIM_MS = 30_000;
const WAIT_STEP_MS = 200;

export interface RefreshContext {
  store: Store;
  userId: string;
  server: OAuthServer;
  fetch: FetchLike;
  now: () => number;
  provider: OAuthClientProvider;
}

export interface RefreshOutcome {
  /** The row to use from now on (refreshed, refreshed by another process, or unchanged). */
  row: McpOauthRow;
  /** The refresh token the authorization server refused (the login is spent). */
  spent?: string;
  /** Why the refresh could not be done (unreachable, a server error): the old tokens stay. */
  failure?: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same authorization server, however its URL is spelled (a trailing slash, a default port). */
export function sameAuthorizationServer(a: string, b: string): boolean {
  const norm = (s: string) => {
    try {
      return new URL(s).href.replace(/\/$/, '');
    } catch {
      return s.replace(/\/$/, '');
    }
  };
  return norm(a) === norm(b);
}

/** Waits while another process holds the refresh claim; returns the row as it is then. */
export async function waitForOtherRefresh(ctx: RefreshContext): Promise<McpOauthRow | undefined> {
  const deadline = ctx.now() + CLAIM_MS;
  for (;;) {
    const row = await ctx.store.mcpServers.oauth(ctx.userId, ctx.server.name);
    const held = row?.refreshingUntil ? Date.parse(row.refreshingUntil) > ctx.now() : false;
    if (!held || ctx.now() >= deadline) return row;
    await sleep(WAIT_STEP_MS);
  }
}

/** One refresh at the authorization server that issued `tokens` (found again by discovery). */
async function refreshAtIssuer(ctx: RefreshContext, tokens: OAuthTokens, refreshToken: string) {
  const info = await discoverOAuthServerInfo(ctx.server.url, { fetchFn: ctx.fetch });
  const issuer = String(info.authorizationServerUrl);
  // A refresh token goes back only to the server that issued it, never to one the metadata now names.
  if (tokens.issuer && !sameAuthorizationServer(tokens.issuer, issuer))
    throw new InvalidGrantError(`the tokens were issued by ${tokens.issuer}, not ${issuer}`);
  const clientInformation = await ctx.provider.clientInformation();
  if (!clientInformation) throw new InvalidGrantError('no client registration is stored');
  // Sent as the metadata wrote it, as the SDK's own auth() does (a parsed URL would add a slash).
  const selected = await selectResourceURL(ctx.server.url, ctx.provider, info.resourceMetadata);
  const resource = selected && info.resourceMetadata ? info.resourceMetadata.resource : selected;
  const next = await refreshAuthorization(info.authorizationServerUrl, {
    metadata: info.authorizationServerMetadata,
    clientInformation,
    refreshToken,
    resource,
    fetchFn: ctx.fetch,
  });
  return { ...next, issuer };
}

/** Refreshes the tokens of `row` (which expire soon) unless another process does it. */
export async function refreshAhead(ctx: RefreshContext, row: McpOauthRow): Promise<RefreshOutcome> {
  const { store, userId, server } = ctx;
  const repo = store.mcpServers;
  const started = ctx.now();
  const until = new Date(started + CLAIM_MS).toISOString();
  if (!(await repo.claimOauthRefresh(userId, server.name, until, new Date(started).toISOString()))) {
    return { row: (await waitForOtherRefresh(ctx)) ?? row };
  }
  let released = false;
  try {
    const current = (await repo.oauth(userId, server.name)) ?? row;
    const tokens = storedTokens(current);
    // Another process may have refreshed between our read and our claim.
    if (!tokens?.refresh_token || !expiresSoon(current, ctx.now())) return { row: current };
    const spent = tokens.refresh_token;
    let fresh: OAuthTokens;
    try {
      fresh = await refreshAtIssuer(ctx, tokens, spent);
    } catch (err) {
      return err instanceof InvalidGrantError ? { row: current, spent } : { row: current, failure: err };
    }
    const patch = { tokens: fresh, expiresAt: expiryOf(fresh, ctx.now()), refreshingUntil: null };
    released = await repo.updateOauthIf(
      userId,
      server.name,
      (stored) => storedTokens(stored)?.refresh_token === spent,
      patch,
    );
    if (released) return { row: { ...current, ...patch } };
    return { row: (await repo.oauth(userId, server.name)) ?? current };
  } finally {
    if (!released)
      await repo.updateOauthIf(userId, server.name, (stored) => stored.refreshingUntil === until, {
        refreshingUntil: null,
      });
  }
}
