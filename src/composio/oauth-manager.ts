/**
 * Account state for one command: resolving auth configs, waiting for authorization, finalizing
 * the rows, syncing with Composio (the source of truth) at most every 30 s, and disconnecting.
 * The freshness lives in sync_state because every gagent process is short-lived.
 */
import type { Config } from '../config.js';
import { GagentError, InterruptedError, NotAuthorizedError } from '../errors.js';
import type { FetchLike } from '../http.js';
import type { Store } from '../store/store.js';
import { AccountSync, SYNC_MAX_AGE_MS, type SyncOptions, type SyncOutcome } from './account-sync.js';
import { waitUntilActive } from './authorization-wait.js';
import type { ProviderInfo } from './catalogue.js';
import { ComposioApi } from './composio-api.js';
import { composioDebugLog } from './debug-log.js';
import { isNotFound } from './errors.js';
import { normalizeMcpEndpoint } from './mcp-endpoint.js';
import { mcpHeaders } from './mcp-headers.js';
import type { RemoteAccount, RemoteAuthConfig } from './remote-shapes.js';
import { needsToolkitCheck, requireToolkit } from './toolkit-check.js';

export interface OAuthManagerOptions {
  pollIntervalMs?: number;
  syncMaxAgeMs?: number;
  requestTimeoutMs?: number;
  maxRetries?: number;
  now?: () => number;
  /** Progress lines for the user (stderr). */
  notify?: (line: string) => void;
  /** The command's HTTP stack. */
  fetch?: FetchLike;
}

/** What disconnect did: locally always; at Composio when revoking, or why not. */
export interface DisconnectOutcome {
  connectedAccountId: string | null;
  revoked: boolean;
  /** The revoke was asked for and failed: the account is still at Composio. */
  revokeError?: GagentError;
}

export class OAuthManager {
  private apiPromise: Promise<ComposioApi> | undefined;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly options: OAuthManagerOptions = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The Composio client, created on first use (so DB-only paths never load the SDK). */
  api(): Promise<ComposioApi> {
    this.apiPromise ??= ComposioApi.connect({
      apiKey: this.config.composio.apiKey,
      baseUrl: this.config.composio.baseUrl,
      requestTimeoutMs: this.options.requestTimeoutMs,
      maxRetries: this.options.maxRetries,
      debugLog: composioDebugLog(this.config),
      fetch: this.options.fetch,
    });
    return this.apiPromise;
  }

  /** The pinned auth config, or the toolkit's enabled one; null when the toolkit has none at all. */
  async findAuthConfig(info: ProviderInfo, signal?: AbortSignal): Promise<RemoteAuthConfig | null> {
    const pinned = this.config.composio.authConfigIds[info.provider];
    if (pinned)
      return { id: pinned, toolkit: info.toolkitSlug, status: 'ENABLED', authScheme: null, managed: false };
    const api = await this.api();
    const configs = await api.listAuthConfigs(info.toolkitSlug, signal);
    const enabled = configs.filter((c) => c.status === 'ENABLED');
    if (enabled[0]) return enabled[0];
    if (configs.length > 0) {
      throw new NotAuthorizedError(
        `Every ${info.displayName} auth config in this Composio project is disabled.`,
        `Enable one in the Composio dashboard, or set ${info.authConfigEnv}.`,
      );
    }
    return null;
  }

  /**
   * The auth config connect uses: found, or a Composio-managed one created for a toolkit that has
   * none. A slug outside the catalogue is first checked to exist (a typo creates nothing), asked
   * beside the auth config lookup so a real toolkit costs no extra wait.
   */
  async resolveAuthConfig(info: ProviderInfo, signal?: AbortSignal): Promise<RemoteAuthConfig> {
    const checking = needsToolkitCheck(info, this.config.composio.authConfigIds)
      ? this.requireToolkit(info, signal)
      : undefined;
    checking?.catch(() => {}); // awaited below, whichever way the lookup goes
    let found: RemoteAuthConfig | null;
    try {
      found = await this.findAuthConfig(info, signal);
    } catch (err) {
      await checking; // no such toolkit explains a failed lookup better than the lookup's error
      throw err;
    }
    await checking;
    if (found) return found;
    const api = await this.api();
    const created = await api.createManagedAuthConfig(info.toolkitSlug, signal);
    this.options.notify?.(
      `No ${info.displayName} auth config existed in Composio; created a Composio-managed one (${created.id}).`,
    );
    return created;
  }

  /** Resolves when Composio has the toolkit; NotFoundError (exit 2) with close names otherwise. */
  async requireToolkit(info: ProviderInfo, signal?: AbortSignal): Promise<void> {
    await requireToolkit(await this.api(), info, signal);
  }

  async activeAccountFor(
    userId: string,
    authConfigId: string,
    signal?: AbortSignal,
  ): Promise<RemoteAccount | undefined> {
    const api = await this.api();
    const accounts = await api.listAccounts(
      { userIds: [userId], authConfigIds: [authConfigId], statuses: ['ACTIVE'] },
      signal,
    );
    return accounts.find((a) => a.status === 'ACTIVE' && (a.userId === null || a.userId === userId));
  }

  async link(userId: string, authConfigId: string, callbackUrl: string, signal?: AbortSignal) {
    return (await this.api()).link(userId, authConfigId, callbackUrl, signal);
  }

  async account(id: string, signal?: AbortSignal): Promise<RemoteAccount> {
    return (await this.api()).getAccount(id, signal);
  }

  async deleteAccount(id: string, signal?: AbortSignal): Promise<void> {
    await (await this.api()).deleteAccount(id, signal);
  }

  /**
   * Polls the account until it is ACTIVE. `wake` (the callback arriving) makes it check at once.
   * FAILED / EXPIRED / REVOKED end it; so does the timeout or Ctrl+C.
   */
  async waitUntilActive(
    info: ProviderInfo,
    accountId: string,
    options: { timeoutMs: number; signal?: AbortSignal; wake?: Promise<unknown> },
  ): Promise<RemoteAccount> {
    return waitUntilActive(await this.api(), info, accountId, {
      ...options,
      pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
      now: () => this.now(),
    });
  }

  /** Builds the MCP endpoint and writes every row in one transaction. Returns the stored URL. */
  async finalize(
    userId: string,
    info: ProviderInfo,
    authConfig: RemoteAuthConfig,
    account: RemoteAccount,
    signal?: AbortSignal,
  ) {
    const api = await this.api();
    const raw = this.config.composio.mcpServerId
      ? await api.serverMcp(userId, this.config.composio.mcpServerId, signal)
      : await api.sessionMcp(userId, info.toolkitSlug, authConfig.id, account.id, signal);
    const endpoint = normalizeMcpEndpoint(raw, {
      userId,
      connectedAccountId: account.id,
      authConfigId: authConfig.id,
    });
    await this.store.accounts.finalizeConnection({
      userId,
      provider: info.provider,
      toolkitSlug: info.toolkitSlug,
      authConfig: { id: authConfig.id, authScheme: authConfig.authScheme, status: authConfig.status },
      connectedAccountId: account.id,
      mcp: endpoint,
      syncedAt: new Date(this.now()).toISOString(),
    });
    return endpoint;
  }

  isAuthorized(userId: string, provider: string): Promise<boolean> {
    return this.store.accounts.isAuthorized(userId, provider);
  }

  /** Headers for the provider's MCP connection, with the credential added now (never stored). */
  async getHeaders(userId: string, provider: string): Promise<Record<string, string> | null> {
    const row = (await this.store.accounts.activeMcpConnections(userId)).find((c) => c.provider === provider);
    return row ? mcpHeaders(row.url, row.headers, this.config.composio) : null;
  }

  /**
   * Brings (user, provider) in line with Composio unless it was checked under 30 s ago.
   * A provider the user disconnected stays disconnected: only connect authorizes again.
   */
  sync(userId: string, provider: string, options: SyncOptions = {}): Promise<SyncOutcome> {
    return new AccountSync(this, this.store, {
      now: () => this.now(),
      maxAgeMs: this.options.syncMaxAgeMs ?? SYNC_MAX_AGE_MS,
    }).sync(userId, provider, options);
  }

  /**
   * Local first (unauthorized at once, even offline), then Composio when revoking. A revoke that
   * fails does not undo the local part: it comes back as revokeError, for the caller to report.
   */
  async disconnect(
    userId: string,
    provider: string,
    options: { revoke?: boolean; signal?: AbortSignal } = {},
  ): Promise<DisconnectOutcome> {
    const accountId = await this.store.accounts.disconnect(userId, provider);
    await this.store.pending.deleteFor(userId, provider);
    if (!options.revoke || !accountId) return { connectedAccountId: accountId, revoked: false };
    try {
      await (await this.api()).deleteAccount(accountId, options.signal);
    } catch (err) {
      // Already gone at Composio is what a revoke wants; Ctrl+C stays an interruption.
      if (!isNotFound(err)) {
        if (err instanceof InterruptedError || options.signal?.aborted) throw err;
        const revokeError =
          err instanceof GagentError ? err : new GagentError(`Composio failed: ${String(err)}`);
        return { connectedAccountId: accountId, revoked: false, revokeError };
      }
    }
    return { connectedAccountId: accountId, revoked: true };
  }
}
