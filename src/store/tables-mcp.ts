/**
 * The MCP servers a user added (gagent mcp add / import, the API) and the OAuth state of each
 * remote one (MCP authorization spec). Part of the one schema of tables.ts, kept apart for size.
 */
import type { DialectKit } from './tables.js';

/** How gagent reaches an added server. `http` tries Streamable HTTP, then legacy SSE on a 4xx. */
export type McpTransportKind = 'stdio' | 'http' | 'sse';

export function defineMcpTables(k: DialectKit) {
  const { table, text, integer, json, primaryKey, now } = k;

  const mcpServers = table(
    'mcp_servers',
    {
      userId: text('user_id').notNull(),
      name: text('name').notNull(),
      transport: text('transport').$type<McpTransportKind>().notNull(),
      /** Remote servers: the endpoint, and headers sent with every request (values are secrets). */
      url: text('url'),
      headers: json('headers').$type<Record<string, string>>(),
      /** stdio servers: the program, its arguments, and the only environment it gets besides PATH/HOME. */
      command: text('command'),
      args: json('args').$type<string[]>(),
      env: json('env').$type<Record<string, string>>(),
      /** 'none' (every call asks) or 'read-only-hints' (the user trusts its read-only claims). */
      trust: text('trust').notNull().default('none'),
      /** OAuth: a client id the user registered by hand, and a fixed callback port it was registered with. */
      oauthClientId: text('oauth_client_id'),
      oauthCallbackPort: integer('oauth_callback_port'),
      createdAt: text('created_at').notNull().default(now),
      updatedAt: text('updated_at').notNull().default(now),
    },
    (t) => [primaryKey({ columns: [t.userId, t.name] })],
  );

  /**
   * One row per user and remote server once a login started: what the SDK's OAuth client asks us
   * to keep (client registration, tokens, PKCE verifier), stored as the SDK gave them, plus the
   * absolute expiry so tokens are refreshed before they lapse. Removing the server removes this.
   */
  const mcpOauth = table(
    'mcp_oauth',
    {
      userId: text('user_id').notNull(),
      name: text('name').notNull(),
      /** The server URL these belong to: a server re-added at another URL starts over. */
      serverUrl: text('server_url').notNull(),
      clientInformation: json('client_information').$type<unknown>(),
      tokens: json('tokens').$type<unknown>(),
      /** ISO time the access token expires (from expires_in when it was saved); null: unknown. */
      expiresAt: text('expires_at'),
      codeVerifier: text('code_verifier'),
      /** The authorization server's issuer, checked against `iss` on the callback where advertised. */
      issuer: text('issuer'),
      /**
       * While a process refreshes the tokens, until when it may (ISO time): the others wait for it
       * instead of spending the same refresh token, which a rotating authorization server would
       * take as a stolen token and revoke. A crashed refresher's claim simply lapses.
       */
      refreshingUntil: text('refreshing_until'),
      updatedAt: text('updated_at').notNull().default(now),
    },
    (t) => [primaryKey({ columns: [t.userId, t.name] })],
  );

  return { mcpServers, mcpOauth };
}
