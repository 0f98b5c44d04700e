/**
 * The SDK's OAuthClientProvider over the database: one user's OAuth state for one remote MCP
 * server (mcp_oauth), as the SDK's auth() and its transports use it. Two modes:
 * - run (default): what every command that talks to the server uses. Tokens are refreshed ahead
 *   of expiry (refresh-ahead.ts) and, on a 401, by the SDK itself; it never registers a client or
 *   starts a sign-in — where the SDK would send the user to the browser it throws "log in again".
 * - login: `gagent mcp login` — a fresh authorization through the loopback callback at
 *   `redirectUrl`, with our `state`; stored tokens are ignored until new ones are saved.
 *
 * Client identity, in order: a client id the user gave (`--client-id`), then the stored
 * registration, else dynamic registration (RFC 7591) during a login. A client ID metadata
 * document (`clientMetadataUrl`) needs an https URL gagent would host; it has none, so it offers none.
 */
import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  AuthorizationServerMetadata,
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { NotAuthorizedError, UnreachableError } from '../../errors.js';
import type { FetchLike } from '../../http.js';
import type { Store } from '../../store/store.js';
import { mcpLoginRequired } from '../errors.js';
import { type RefreshContext, refreshAhead, waitForOtherRefresh } from './refresh-ahead.js';
import {
  expiresSoon,
  expiryOf,
  hasExpired,
  type OAuthServer,
  redirectUrisOf,
  secretsOf,
  storedClient,
  storedTokens,
} from './stored-state.js';

export interface StoredProviderOptions {
  store: Store;
  userId: string;
  server: OAuthServer;
  /** The command's proxy-aware fetch, for every OAuth request gagent makes itself. */
  fetch: FetchLike;
  /** The redirect URL the SDK sees (run mode: the registered one; nothing is redirected there). */
  redirectUrl: string;
  /** Present for `gagent mcp login`: the state the callback checks. */
  login?: { state: string };
  /** Told every token and client secret read or saved, so outputs can redact them. */
  onSecret?: (secret: string) => void;
  now?: () => number;
}

export class StoredOAuthProvider implements OAuthClientProvider {
  /** Where the SDK asked the user to be sent (login mode). */
  authorizationUrl: URL | undefined;
  /** The authorization server's metadata, from the SDK's discovery. */
  authorizationServer: { url: string; metadata?: AuthorizationServerMetadata } | undefined;
  private verifier: string | undefined;
  /** The refresh token last handed to the SDK, and one the authorization server refused. */
  private served: string | undefined;
  private spent: string | undefined;
  private refreshFailure: unknown;
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: StoredProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'gagent',
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A public client: a CLI cannot keep a secret; PKCE protects the code instead.
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    return this.options.login?.state ?? randomBytes(24).toString('base64url');
  }

  private get name(): string {
    return this.options.server.name;
  }

  private async row() {
    const { store, userId, server } = this.options;
    const row = await store.mcpServers.oauth(userId, server.name);
    return row && row.serverUrl === server.url ? row : undefined;
  }

  private remember(tokens?: OAuthTokens, client?: OAuthClientInformationMixed): void {
    for (const secret of secretsOf(tokens, client)) this.options.onSecret?.(secret);
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const stored = storedClient(await this.row());
    this.remember(undefined, stored);
    const given = this.options.server.oauthClientId;
    if (given) return stored?.client_id === given ? stored : { client_id: given };
    // A login registers again when the stored registration names another redirect URI (the
    // callback port is picked afresh each time unless the user fixed it).
    if (this.options.login && stored && !redirectUrisOf(stored).includes(this.options.redirectUrl))
      return undefined;
    if (stored) return stored;
    if (!this.options.login) throw mcpLoginRequired(this.name);
    this.refuseWithoutRegistration();
    return undefined;
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    const current = storedClient(await this.row());
    const binding =
      info.client_id === current?.client_id || info.client_id === this.options.server.oauthClientId;
    // A run may stamp the registration it uses with its issuer; only a login registers anew.
    if (!this.options.login && !binding) throw mcpLoginRequired(this.name);
    this.remember(undefined, info);
    await this.save({ clientInformation: info });
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    if (this.options.login) return undefined;
    let row = await this.row();
    const refreshToken = storedTokens(row)?.refresh_token;
    if (row && refreshToken && refreshToken !== this.spent && expiresSoon(row, this.now())) {
      // One refresh at a time in this process; the database orders the processes.
      this.refreshing ??= refreshAhead(this.refreshContext(), row)
        .then((outcome) => {
          if (outcome.spent) this.spent = outcome.spent;
          this.refreshFailure = outcome.failure;
        })
        .finally(() => {
          this.refreshing = undefined;
        });
      await this.refreshing;
      row = await this.row();
    }
    const tokens = storedTokens(row);
    if (!tokens) return undefined;
    this.remember(tokens);
    this.served = tokens.refresh_token;
    // Past its expiry with nothing left to renew it: the login is spent, whatever the server would
    // answer (some answer a stale token with a 500, not a 401).
    if (row && hasExpired(row, this.now()) && (!tokens.refresh_token || tokens.refresh_token === this.spent))
      throw mcpLoginRequired(this.name);
    // A refresh token the server refused is not offered again (the SDK would spend a request on it).
    if (tokens.refresh_token && tokens.refresh_token === this.spent) {
      const { refresh_token: _spent, ...rest } = tokens;
      return rest;
    }
    return tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.remember(tokens);
    const expiresAt = expiryOf(tokens, this.now());
    if (this.options.login) {
      const issuer = this.authorizationServer?.metadata?.issuer ?? this.authorizationServer?.url ?? null;
      await this.save({ tokens, expiresAt, issuer, codeVerifier: null });
      return;
    }
    // The SDK refreshed after a 401: keep what it got unless another process saved newer tokens
    // meanwhile (the row no longer holds the refresh token the SDK spent).
    const { store, userId } = this.options;
    const served = this.served;
    await store.mcpServers.updateOauthIf(
      userId,
      this.name,
      (row) => storedTokens(row)?.refresh_token === served,
      { tokens, expiresAt },
    );
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    // A run never starts a sign-in, so it never replaces the verifier of one in progress.
    if (!this.options.login) return;
    this.verifier = codeVerifier;
    await this.save({ codeVerifier });
  }

  async codeVerifier(): Promise<string> {
    const verifier = this.verifier ?? (await this.row())?.codeVerifier;
    if (!verifier)
      throw new NotAuthorizedError(`No sign-in to the MCP server "${this.name}" is in progress.`);
    return verifier;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (this.options.login) {
      this.authorizationUrl = authorizationUrl;
      return;
    }
    // The SDK wants the user at the browser. It gets here holding a refresh token the
    // authorization server did not refuse only when the refresh failed otherwise (no answer, a
    // server error): that is not a spent login, so say what happened instead.
    if (this.served && this.served !== this.spent) {
      throw new UnreachableError(
        `Cannot renew the login to the MCP server "${this.name}": its authorization server failed or did not answer.`,
        `Try again in a moment; if it keeps failing, run gagent mcp login ${this.name}.`,
        { cause: this.refreshFailure },
      );
    }
    throw mcpLoginRequired(this.name);
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier') {
      this.verifier = undefined;
      return;
    }
    if (!this.options.login) {
      // A refused refresh token is not deleted: another process may have rotated it and be about
      // to save the new one. It is only never offered again by this process.
      if (scope === 'tokens' || scope === 'all') this.spent = this.served;
      return;
    }
    if (scope === 'all' || scope === 'client') await this.save({ clientInformation: null });
  }

  /** Called by the SDK when its auth() starts (before it reads tokens): a run waits for a refresh in progress elsewhere. */
  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    if (!this.options.login) await waitForOtherRefresh(this.refreshContext());
    return undefined;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.authorizationServer = {
      url: state.authorizationServerUrl,
      metadata: state.authorizationServerMetadata,
    };
    if (this.options.login && !state.authorizationServerMetadata && !state.resourceMetadata) {
      throw new NotAuthorizedError(
        `The MCP server "${this.name}" asks for credentials but offers no OAuth sign-in that gagent could find.`,
        'If it takes an API key or a token, give it as a header of the server instead.',
      );
    }
  }

  private refuseWithoutRegistration(): void {
    const metadata = this.authorizationServer?.metadata;
    if (metadata && !metadata.registration_endpoint) {
      throw new NotAuthorizedError(
        `The authorization server of the MCP server "${this.name}" does not let gagent register itself.`,
        `Register a client there with the redirect URI http://127.0.0.1:<port>/callback, then run gagent mcp login ${this.name} --client-id <id> --callback-port <port>.`,
      );
    }
  }

  private refreshContext(): RefreshContext {
    const { store, userId, server, fetch } = this.options;
    return { store, userId, server, fetch, now: this.now, provider: this };
  }

  private async save(patch: Parameters<Store['mcpServers']['saveOauth']>[3]): Promise<void> {
    const { store, userId, server } = this.options;
    await store.mcpServers.saveOauth(userId, server.name, server.url, patch);
  }
}
