/**
 * Every Composio call gagent makes, over `@composio/core` (loaded lazily: commands that do not
 * talk to Composio never pay for the SDK). Results come back as small plain types; errors come
 * back as GagentErrors with the right exit code.
 */
import type { Composio } from '@composio/core';
import type { FetchLike } from '../http.js';
import { composioBaseUrl } from './base-url.js';
import { type LogSink, type SdkLogger, sdkLogger } from './debug-log.js';
import { badComposioReply, mapComposioError, noApiKeyError, safeHost } from './errors.js';

export interface RemoteAuthConfig {
  id: string;
  toolkit: string;
  status: string;
  authScheme: string | null;
  managed: boolean;
}

export interface RemoteAccount {
  id: string;
  /** Composio marks user_id deprecated; present on current responses, checked when present. */
  userId: string | null;
  authConfigId: string;
  toolkit: string;
  status: string;
  statusReason: string | null;
  /** When Composio last changed it (ISO), for picking the most recent of several. */
  updatedAt: string | null;
}

export interface McpEndpoint {
  url: string;
  headers: Record<string, string>;
}

export interface ComposioApiOptions {
  apiKey?: string;
  baseUrl?: string;
  /** Per-attempt timeout of the SDK's HTTP client. */
  requestTimeoutMs?: number;
  /** Retries of the SDK's HTTP client (it retries 408/409/429/5xx and connection errors). */
  maxRetries?: number;
  /** Where the SDK's debug logging goes (GAGENT_DEBUG=1); absent: nothing is logged. */
  debugLog?: LogSink;
  /** The command's HTTP stack (proxy-aware); the SDK's own fetch otherwise. */
  fetch?: FetchLike;
}

type AccountLike = {
  id: string;
  status: string;
  statusReason?: string | null;
  updatedAt?: string;
  authConfig?: { id?: string };
  toolkit?: { slug?: string };
  user_id?: string;
};

function toAccount(raw: AccountLike): RemoteAccount {
  return {
    id: raw.id,
    userId: typeof raw.user_id === 'string' ? raw.user_id : null,
    authConfigId: raw.authConfig?.id ?? '',
    toolkit: raw.toolkit?.slug ?? '',
    status: raw.status,
    statusReason: raw.statusReason ?? null,
    updatedAt: typeof raw.updatedAt === 'string' ? raw.updatedAt : null,
  };
}

export class ComposioApi {
  private constructor(
    private readonly sdk: Composio,
    readonly baseUrl: string,
  ) {}

  static async connect(options: ComposioApiOptions): Promise<ComposioApi> {
    if (!options.apiKey) throw noApiKeyError();
    const baseUrl = composioBaseUrl(options.baseUrl);
    // The SDK's loggers read this once, at import, and write through `console` (info and debug to
    // stdout, which would corrupt --json). Both loggers are pointed at our sink below instead.
    process.env.COMPOSIO_LOG_LEVEL = options.debugLog ? 'debug' : 'error';
    const { Composio, logger } = await import('@composio/core');
    const sink = sdkLogger(options.debugLog);
    Object.assign(logger as object, { console: sink, level: options.debugLog ? 'debug' : 'error' });
    // Telemetry and the npm version check would reach outside and hook SIGINT; both off.
    const sdk = new Composio({
      apiKey: options.apiKey,
      baseURL: baseUrl,
      allowTracking: false,
      disableVersionCheck: true,
    });
    const client = sdk.getClient() as unknown as {
      timeout: number;
      maxRetries: number;
      logger: SdkLogger;
      logLevel: string;
      fetch: FetchLike;
    };
    if (options.fetch) client.fetch = options.fetch;
    client.timeout = options.requestTimeoutMs ?? 20_000;
    client.maxRetries = options.maxRetries ?? 2;
    client.logger = sink;
    client.logLevel = options.debugLog ? 'debug' : 'off';
    return new ComposioApi(sdk, baseUrl);
  }

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapComposioError(err, doing, this.baseUrl);
    }
  }

  listAuthConfigs(toolkit: string | undefined, signal?: AbortSignal): Promise<RemoteAuthConfig[]> {
    return this.call('listing auth configs', async () => {
      const out: RemoteAuthConfig[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.sdk.authConfigs.list(
          { ...(toolkit ? { toolkit } : {}), showDisabled: true, limit: 100, ...(cursor ? { cursor } : {}) },
          { signal },
        );
        for (const item of page.items) {
          out.push({
            id: item.id,
            toolkit: item.toolkit.slug,
            status: item.status,
            authScheme: item.authScheme ?? null,
            managed: item.isComposioManaged ?? false,
          });
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    });
  }

  createManagedAuthConfig(toolkit: string, signal?: AbortSignal): Promise<RemoteAuthConfig> {
    return this.call(`creating an auth config for ${toolkit}`, async () => {
      const created = await this.sdk.authConfigs.create(
        toolkit,
        { type: 'use_composio_managed_auth' },
        { signal },
      );
      return {
        id: created.id,
        toolkit,
        status: 'ENABLED',
        authScheme: created.authScheme ?? null,
        managed: true,
      };
    });
  }

  listAccounts(
    filter: { userIds?: string[]; toolkits?: string[]; authConfigIds?: string[]; statuses?: string[] },
    signal?: AbortSignal,
  ): Promise<RemoteAccount[]> {
    return this.call('listing connected accounts', async () => {
      const out: RemoteAccount[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.sdk.connectedAccounts.list(
          {
            ...(filter.userIds ? { userIds: filter.userIds } : {}),
            ...(filter.toolkits ? { toolkitSlugs: filter.toolkits } : {}),
            ...(filter.authConfigIds ? { authConfigIds: filter.authConfigIds } : {}),
            ...(filter.statuses ? { statuses: filter.statuses as never } : {}),
            limit: 100,
            ...(cursor ? { cursor } : {}),
          },
          { signal },
        );
        out.push(...page.items.map((item) => toAccount(item as AccountLike)));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    });
  }

  getAccount(id: string, signal?: AbortSignal): Promise<RemoteAccount> {
    return this.call('reading the connected account', async () =>
      toAccount((await this.sdk.connectedAccounts.get(id, { signal })) as AccountLike),
    );
  }

  deleteAccount(id: string, signal?: AbortSignal): Promise<void> {
    return this.call('deleting the connected account', async () => {
      await this.sdk.connectedAccounts.delete(id, { signal });
    });
  }

  link(userId: string, authConfigId: string, callbackUrl: string, signal?: AbortSignal) {
    return this.call('creating the authorization link', async () => {
      const request = await this.sdk.connectedAccounts.link(
        userId,
        authConfigId,
        { callbackUrl },
        { signal },
      );
      if (typeof request.id !== 'string' || !request.id || !request.redirectUrl)
        throw badComposioReply(safeHost(this.baseUrl), 'creating the authorization link');
      return { connectedAccountId: request.id, redirectUrl: request.redirectUrl };
    });
  }

  /** A per-user tool-router session that exposes the toolkit's tools directly over MCP. */
  sessionMcp(
    userId: string,
    toolkit: string,
    authConfigId: string,
    accountId: string,
    signal?: AbortSignal,
  ): Promise<McpEndpoint> {
    return this.call('creating the MCP session', async () => {
      const session = await this.sdk.sessions.create(
        userId,
        {
          toolkits: [toolkit],
          authConfigs: { [toolkit]: authConfigId },
          connectedAccounts: { [toolkit]: accountId },
          manageConnections: false,
          sessionPreset: 'direct_tools',
          mcp: true,
        },
        { signal },
      );
      return { url: session.mcp.url, headers: { ...(session.mcp.headers ?? {}) } };
    });
  }

  /** The per-user URL of a provisioned Composio MCP server (COMPOSIO_MCP_SERVER_ID). */
  serverMcp(userId: string, serverId: string, signal?: AbortSignal): Promise<McpEndpoint> {
    return this.call('generating the MCP server URL', async () => {
      const instance = await this.sdk.mcp.generate(userId, serverId, undefined, { signal });
      return { url: instance.url, headers: {} };
    });
  }
}
