/**
 * One MCP session per server, reused for every call, over whichever transport reaches it (see
 * transport.ts): connect and call timeouts (progress resets the call timeout), one transparent
 * reconnect when an HTTP server lost the session, and the session ended on the server on close.
 */
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { FetchLike } from '../http.js';
import { classifyMcpError, McpSessionError } from './errors.js';
import type { Endpoint } from './server-config.js';
import { parseToolPage } from './tool-list.js';
import { type Connected, closeConnected, connectEndpoint, explainFailure } from './transport.js';

export interface McpSessionOptions {
  /** Server name, for messages. */
  name: string;
  endpoint: Endpoint;
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Warnings (e.g. a tool skipped for a broken schema). */
  warn?: (message: string) => void;
  /** The most one response may make gagent hold (default 4 MB): a larger tool result is cut, with a marker. */
  maxResultBytes?: number;
  /** The command's HTTP stack (proxy-aware). */
  fetch?: FetchLike;
}

export const DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;

export class McpSession {
  private connected: Connected;
  private closed = false;

  private constructor(
    private readonly options: McpSessionOptions,
    connected: Connected,
  ) {
    this.connected = connected;
  }

  static async open(options: McpSessionOptions): Promise<McpSession> {
    return new McpSession(options, await McpSession.connect(options));
  }

  private static async connect(options: McpSessionOptions): Promise<Connected> {
    try {
      return await connectEndpoint(options.endpoint, {
        name: options.name,
        connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
        maxResultBytes: options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
        fetch: options.fetch,
      });
    } catch (err) {
      throw classifyMcpError(err, options.name, 'connecting');
    }
  }

  private get client() {
    return this.connected.client;
  }

  /** Which transport carries the session. */
  get transportKind(): Connected['kind'] {
    return this.connected.kind;
  }

  get sessionId(): string | undefined {
    return (this.connected.transport as Partial<StreamableHTTPClientTransport>).sessionId;
  }

  get serverVersion(): { name: string; version: string } | undefined {
    return this.client.getServerVersion();
  }

  /** All tools, following pagination; a tool with a broken schema is skipped with a warning. */
  async listTools(): Promise<Tool[]> {
    return this.withReconnect('listing tools', async () => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      const seenCursors = new Set<string>();
      do {
        const page = await this.client.request(
          { method: 'tools/list', params: cursor ? { cursor } : {} },
          // Validated per tool below: one broken tool must not hide the others.
          z.unknown(),
          { timeout: this.options.callTimeoutMs ?? 60_000 },
        );
        const parsed = parseToolPage(page);
        for (const skipped of parsed.skipped)
          this.options.warn?.(`${this.options.name}: skipped tool ${skipped}`);
        tools.push(...parsed.tools);
        cursor = parsed.nextCursor;
        if (cursor && seenCursors.has(cursor)) break; // a server repeating its cursor would loop forever
        if (cursor) seenCursors.add(cursor);
      } while (cursor);
      return tools;
    });
  }

  /** Calls a tool. A result with isError is data and is returned, not thrown. */
  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    const timeout = this.options.callTimeoutMs ?? 60_000;
    return this.withReconnect(`calling ${name}`, async () => {
      const result = await this.client.request(
        { method: 'tools/call', params: { name, arguments: args } },
        CallToolResultSchema,
        { timeout, resetTimeoutOnProgress: true, maxTotalTimeout: timeout * 5, signal, onprogress: () => {} },
      );
      return result as CallToolResult;
    });
  }

  async ping(): Promise<void> {
    await this.withReconnect('pinging', () =>
      this.client.ping({ timeout: this.options.connectTimeoutMs ?? 15_000 }),
    );
  }

  /** Ends the session on the server (HTTP DELETE; a stdio program's process group), then the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeConnected(this.connected);
  }

  /** One transparent reconnect when the server answers that our session no longer exists. */
  private async withReconnect<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const classified = classifyMcpError(
        explainFailure(this.connected.transport, err),
        this.options.name,
        doing,
      );
      if (!(classified instanceof McpSessionError) || classified.kind !== 'session_lost' || this.closed)
        throw classified;
      await this.client.close().catch(() => {});
      this.connected = await McpSession.connect(this.options);
      try {
        return await fn();
      } catch (retryErr) {
        throw classifyMcpError(explainFailure(this.connected.transport, retryErr), this.options.name, doing);
      }
    }
  }
}

export { McpSessionError };
