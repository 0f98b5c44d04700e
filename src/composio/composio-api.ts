/**
 * Every Composio call gagent makes, over `@composio/core` (loaded lazily: commands that do not
 * talk to Composio never pay for the SDK). Results come back as small plain types; errors come
 * back as GagentErrors with the right exit code.
 */
import type { Composio } from '@composio/core';
import type { FetchLike } from '../http.js';
import { composioBaseUrl } from './base-url.js';
import { type LogSink, type SdkLogger, sdkLogger } from './debug-log.js';
import {
  badComposioReply,
  composioHttpStatus,
  isNotFound,
  mapComposioError,
  noApiKeyError,
  safeHost,
} from './errors.js';
import {
  type AccountLike,
  type McpEndpoint,
  type RemoteAccount,
  type RemoteAuthConfig,
  type RemoteToolkit,
  ToolkitAnswer,
  ToolkitPage,
  toAccount,
} from './remote-shapes.js';

/** Pages of 1000 toolkits read at most (Composio lists about a thousand). */
const MAX_TOOLKIT_PAGES = 10;

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

  /**
   * The toolkit Composio has under `slug`, or null when it has none: a 404, or a 400, which the
   * SDK reads the same way. Asked through the SDK's HTTP client and checked here, so an answer of
   * the wrong shape is Composio's fault (exit 4), not a crash in the SDK's mapping.
   */
  getToolkit(slug: string, signal?: AbortSignal): Promise<RemoteToolkit | null> {
    const doing = `looking up the toolkit ${slug}`;
    return this.call(doing, async () => {
      let raw: unknown;
      try {
        raw = await this.sdk.getClient().toolkits.retrieve(slug, undefined, { signal });
      } catch (err) {
        if (isNotFound(err) || composioHttpStatus(err) === 400) return null;
        throw err;
      }
      const toolkit = ToolkitAnswer.safeParse(raw);
      if (!toolkit.success) throw badComposioReply(safeHost(this.baseUrl), doing);
      return { slug: toolkit.data.slug, name: toolkit.data.name ?? toolkit.data.slug };
    });
  }

  /**
   * Every toolkit slug Composio lists (to suggest a close one). The SDK's own list drops the
   * cursor, so this pages with its HTTP client; a page cap keeps a looping cursor finite.
   */
  listToolkitSlugs(signal?: AbortSignal): Promise<string[]> {
    return this.call('listing toolkits', async () => {
      const slugs: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_TOOLKIT_PAGES; page += 1) {
        const raw = await this.sdk
          .getClient()
          .toolkits.list({ limit: 1000, ...(cursor ? { cursor } : {}) }, { signal });
        const answer = ToolkitPage.safeParse(raw);
        if (!answer.success) throw badComposioReply(safeHost(this.baseUrl), 'listing toolkits');
        slugs.push(...answer.data.items.map((item) => item.slug));
        cursor = answer.data.next_cursor || undefined;
        if (!cursor) break;
      }
      return slugs;
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
