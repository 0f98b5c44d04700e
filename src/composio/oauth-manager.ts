/**
 * Account state for one command: resolving auth configs, waiting for authorization, finalizing
 * the rows, syncing with Composio (the source of truth) at most every 30 s, and disconnecting.
 * The freshness lives in sync_state because every gagent process is short-lived.
 */
import type { Config } from '../config.js';
import type { AccountStatus } from '../domain/accounts.js';
import { GagentError, InterruptedError, NotAuthorizedError } from '../errors.js';
import type { FetchLike } from '../http.js';
import type { Store } from '../store/store.js';
import { isFresh } from '../store/sync.js';
import { type ProviderInfo, providerInfo } from './catalogue.js';
import { ComposioApi, type RemoteAccount, type RemoteAuthConfig } from './composio-api.js';
import { composioDebugLog } from './debug-log.js';
import { isNotFound } from './errors.js';
import { normalizeMcpEndpoint } from './mcp-endpoint.js';
import { mcpHeaders } from './mcp-headers.js';

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

export interface SyncOutcome {
  provider: string;
  status: AccountStatus;
  /** True when sync_state was fresh and Composio was not asked. */
  skipped: boolean;
  /** An ACTIVE account made elsewhere (another machine, the dashboard) was adopted by this sync. */
  adopted?: string;
}

export const SYNC_MAX_AGE_MS = 30_000;

/** Composio's account statuses, in the words `status` shows. */
export function localStatus(remote: string): AccountStatus {
  switch (remote) {
    case 'ACTIVE':
      return 'ACTIVE';
    case 'INITIALIZING':
    case 'INITIATED':
      return 'INITIATED';
    case 'EXPIRED':
    case 'INACTIVE': // disabled at Composio: unusable until it is enabled again
      return 'EXPIRED';
    case 'REVOKED':
      return 'DISCONNECTED';
    default:
      return 'FAILED';
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, wake: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      wake.removeEventListener('abort', done);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      wake.removeEventListener('abort', done);
      reject(new InterruptedError());
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    wake.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs one request with its own signal, tied to `parent` only while it runs. The SDK adds an abort
 * listener to the signal of every request and never removes it; a long connect polls once a
 * second, so sharing one signal piled listeners up (MaxListenersExceededWarning).
 */
async function withOwnSignal<T>(
  parent: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const own = new AbortController();
  const relay = () => own.abort(parent?.reason);
  if (parent?.aborted) relay();
  parent?.addEventListener('abort', relay, { once: true });
  try {
    return await fn(own.signal);
  } finally {
    parent?.removeEventListener('abort', relay);
  }
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

  /** The auth config connect uses: found, or a Composio-managed one created for a toolkit that has none. */
  async resolveAuthConfig(info: ProviderInfo, signal?: AbortSignal): Promise<RemoteAuthConfig> {
    const found = await this.findAuthConfig(info, signal);
    if (found) return found;
    const api = await this.api();
    const created = await api.createManagedAuthConfig(info.toolkitSlug, signal);
    this.options.notify?.(
      `No ${info.displayName} auth config existed in Composio; created a Composio-managed one (${created.id}).`,
    );
    return created;
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
    const api = await this.api();
    const deadline = this.now() + options.timeoutMs;
    const woken = new AbortController();
    void options.wake?.then(() => woken.abort());
    // The callback wakes the loop once; after that, plain polling again.
    let wake = woken.signal;
    for (;;) {
      if (options.signal?.aborted) throw new InterruptedError();
      const account = await withOwnSignal(options.signal, (signal) => api.getAccount(accountId, signal));
      if (account.status === 'ACTIVE') return account;
      if (account.status === 'FAILED' || account.status === 'EXPIRED' || account.status === 'REVOKED') {
        throw new NotAuthorizedError(
          `The ${info.displayName} authorization ${account.status === 'FAILED' ? 'failed' : `is ${account.status.toLowerCase()}`}${account.statusReason ? `: ${account.statusReason}` : '.'}`,
          `Run gagent connect ${info.provider} again.`,
        );
      }
      const left = deadline - this.now();
      if (left <= 0) {
        throw new GagentError(
          `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the ${info.displayName} authorization.`,
          undefined,
          `Open the link and finish signing in, or run gagent connect ${info.provider} again (use --timeout for more time).`,
        );
      }
      const interval = this.options.pollIntervalMs ?? 1_000;
      await sleep(Math.min(interval, left), options.signal, wake);
      if (wake.aborted) wake = new AbortController().signal;
    }
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
  async sync(
    userId: string,
    provider: string,
    options: { force?: boolean; signal?: AbortSignal } = {},
  ): Promise<SyncOutcome> {
    const nowMs = this.now();
    const local = await this.store.accounts.providerState(userId, provider);
    const record = await this.store.sync.get(userId, provider);
    const maxAge = this.options.syncMaxAgeMs ?? SYNC_MAX_AGE_MS;
    if (!options.force && isFresh(record?.lastSyncedAt, nowMs, maxAge)) {
      return { provider, status: local.status, skipped: true };
    }
    // Disconnected here: only connect authorizes it again, so there is nothing to ask.
    if (local.status === 'DISCONNECTED') return { provider, status: local.status, skipped: true };
    if (!local.connectedAccountId) return this.adopt(userId, provider, options.signal);
    let remote: AccountStatus;
    try {
      remote = localStatus((await this.account(local.connectedAccountId, options.signal)).status);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      remote = 'DISCONNECTED'; // deleted at Composio
    }
    // Written only now that Composio answered.
    const syncedAt = new Date(this.now()).toISOString();
    const status = await this.store.accounts.applyRemoteStatus(
      userId,
      provider,
      local.connectedAccountId,
      remote,
      syncedAt,
    );
    return { provider, status, skipped: false };
  }

  /**
   * No account here: ask Composio for the user's accounts of the toolkit, and adopt an ACTIVE one
   * (the most recently updated) exactly as connect would finalize it.
   */
  private async adopt(userId: string, provider: string, signal?: AbortSignal): Promise<SyncOutcome> {
    const info = providerInfo(provider);
    const api = await this.api();
    const accounts = await api.listAccounts(
      { userIds: [userId], toolkits: [info.toolkitSlug], statuses: ['ACTIVE'] },
      signal,
    );
    const newest = accounts
      .filter((a) => a.status === 'ACTIVE' && (a.userId === null || a.userId === userId) && a.authConfigId)
      .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
    if (!newest) {
      const local = await this.store.accounts.providerState(userId, provider);
      await this.store.sync.record(userId, provider, local.status, new Date(this.now()).toISOString());
      return { provider, status: local.status, skipped: false };
    }
    const authConfig = { id: newest.authConfigId, status: 'ENABLED', authScheme: null, managed: false };
    await this.finalize(userId, info, { ...authConfig, toolkit: info.toolkitSlug }, newest, signal);
    return { provider, status: 'ACTIVE', skipped: false, adopted: newest.id };
  }

  /** Local first (unauthorized at once, even offline), then Composio when revoking. */
  async disconnect(
    userId: string,
    provider: string,
    options: { revoke?: boolean; signal?: AbortSignal } = {},
  ) {
    const accountId = await this.store.accounts.disconnect(userId, provider);
    await this.store.pending.deleteFor(userId, provider);
    let revoked = false;
    if (options.revoke && accountId) {
      try {
        await (await this.api()).deleteAccount(accountId, options.signal);
        revoked = true;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        revoked = true; // already gone at Composio
      }
    }
    return { connectedAccountId: accountId, revoked };
  }
}
