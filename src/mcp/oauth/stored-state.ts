/**
 * What the database holds of a server's OAuth state, read back safely: the JSON the SDK gave us
 * is checked with the SDK's own schemas (a damaged row reads as "nothing stored", never a crash),
 * and the absolute expiry that tells when to refresh.
 */
import {
  OAuthClientInformationFullSchema,
  type OAuthClientInformationMixed,
  OAuthClientInformationSchema,
  type OAuthTokens,
  OAuthTokensSchema,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { McpOauthRow } from '../../store/mcp-servers.js';
import type { Store } from '../../store/store.js';

/** The server a login belongs to, as `mcp_servers` describes it. */
export interface OAuthServer {
  name: string;
  url: string;
  /** A client id the user registered by hand (`--client-id`), used instead of registering. */
  oauthClientId?: string | null;
  /** The fixed port the callback listens on (a server that pins its redirect URIs). */
  oauthCallbackPort?: number | null;
}

/** Tokens are refreshed when they expire within this long (clocks and slow requests differ). */
export const REFRESH_AHEAD_MS = 60_000;

export const CALLBACK_PATH = '/callback';

/** The loopback callback URL for a port (RFC 8252: a loopback IP literal, plain http). */
export function loopbackRedirect(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

export function storedTokens(row: McpOauthRow | undefined): OAuthTokens | undefined {
  const parsed = OAuthTokensSchema.safeParse(row?.tokens);
  return parsed.success ? parsed.data : undefined;
}

/** The registration, with its redirect URIs when it came from dynamic registration. */
export function storedClient(row: McpOauthRow | undefined): OAuthClientInformationMixed | undefined {
  const full = OAuthClientInformationFullSchema.safeParse(row?.clientInformation);
  if (full.success) return full.data;
  const bare = OAuthClientInformationSchema.safeParse(row?.clientInformation);
  return bare.success ? bare.data : undefined;
}

export function redirectUrisOf(client: OAuthClientInformationMixed | undefined): string[] {
  return client && 'redirect_uris' in client ? client.redirect_uris : [];
}

/** The ISO time tokens saved now expire, or null when the server did not say. */
export function expiryOf(tokens: OAuthTokens, now: number): string | null {
  return tokens.expires_in === undefined ? null : new Date(now + tokens.expires_in * 1000).toISOString();
}

/**
 * True when the stored access token expires within REFRESH_AHEAD_MS, or within half its lifetime
 * when that is shorter (a one-minute token would otherwise be refreshed before every request).
 * Unknown expiry: never.
 */
export function expiresSoon(row: McpOauthRow, now: number): boolean {
  if (!row.expiresAt) return false;
  const at = Date.parse(row.expiresAt);
  const lifetime = storedTokens(row)?.expires_in;
  const ahead = lifetime === undefined ? REFRESH_AHEAD_MS : Math.min(REFRESH_AHEAD_MS, (lifetime * 1000) / 2);
  return Number.isNaN(at) || at - now <= ahead;
}

/** True once the stored access token's expiry has passed (unknown expiry: never). */
export function hasExpired(row: McpOauthRow, now: number): boolean {
  return row.expiresAt !== null && Date.parse(row.expiresAt) <= now;
}

/** Every secret a stored state holds, for redaction. */
export function secretsOf(tokens?: OAuthTokens, client?: OAuthClientInformationMixed): string[] {
  return [tokens?.access_token, tokens?.refresh_token, tokens?.id_token, client?.client_secret].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}

export interface McpLoginStatus {
  /** Tokens are stored (they may have expired: a refresh token may still renew them). */
  loggedIn: boolean;
  /** When the access token expires (ISO), if the server said. */
  expiresAt: string | null;
  /** The authorization server that issued them. */
  issuer: string | null;
}

/** Whether the user is logged in to a remote server, and until when: never the tokens themselves. */
export async function mcpLoginStatus(
  store: Store,
  userId: string,
  server: Pick<OAuthServer, 'name' | 'url'>,
): Promise<McpLoginStatus> {
  const row = await store.mcpServers.oauth(userId, server.name);
  const current = row && row.serverUrl === server.url ? row : undefined;
  const tokens = storedTokens(current);
  return {
    loggedIn: tokens !== undefined,
    expiresAt: tokens ? (current?.expiresAt ?? null) : null,
    issuer: current?.issuer ?? null,
  };
}
