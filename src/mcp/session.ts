/**
 * One MCP session per server, reused for every call: Streamable HTTP, connect and call timeouts
 * (progress resets the call timeout), one transparent reconnect when the server lost the session,
 * and terminateSession() before close() (close alone leaves the session open on the server).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { FetchLike } from '../http.js';
import { packageVersion } from '../package-root.js';
import { boundedFetch } from './bounded-fetch.js';
import { classifyMcpError, McpSessionError } from './errors.js';
import { parseToolPage } from './tool-list.js';

export interface McpSessionOptions {
  /** Server name, for messages. */
  name: string;
  url: string;
  headers?: Record<string, string>;
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

const CLIENT_INFO = { name: 'gagent', version: packageVersion(import.meta.url) };

export class McpSession {
  private client: Client;
  private transport: StreamableHTTPClientTransport;
  private closed = false;

  private constructor(
    private readonly options: McpSessionOptions,
    connected: { client: Client; transport: StreamableHTTPClientTransport },
  ) {
    this.client = connected.client;
    this.transport = connected.transport;
  }

  static async open(options: McpSessionOptions): Promise<McpSession> {
    return new McpSession(options, await McpSession.connect(options));
  }

  private static async connect(options: McpSessionOptions) {
    const transport = new StreamableHTTPClientTransport(new URL(options.url), {
      requestInit: { headers: options.headers ?? {} },
      fetch: boundedFetch(options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES, options.fetch as never),
      reconnectionOptions: {
        initialReconnectionDelay: 1_000,
        maxReconnectionDelay: 10_000,
        reconnectionDelayGrowFactor: 1.5,
        maxRetries: 2,
      },
    });
    const client = new Client(CLIENT_INFO);
    try {
      await client.connect(transport, { timeout: options.connectTimeoutMs ?? 15_000 });
    } catch (err) {
      await client.close().catch(() => {});
      throw classifyMcpError(err, options.name, 'connecting');
    }
    return { client, transport };
  }

  get sessionId(): string | undefined {
    return this.transport.sessionId;
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

  /** Terminates the session on the server (HTTP DELETE), then closes the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.transport.terminateSession();
    } catch {
      // A server that forgot the session or is gone is fine: we are leaving.
    } finally {
      await this.client.close().catch(() => {});
    }
  }

  /** One transparent reconnect when the server answers that our session no longer exists. */
  private async withReconnect<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const classified = classifyMcpError(err, this.options.name, doing);
      if (!(classified instanceof McpSessionError) || classified.kind !== 'session_lost' || this.closed)
        throw classified;
      await this.client.close().catch(() => {});
      const fresh = await McpSession.connect(this.options);
      this.client = fresh.client;
      this.transport = fresh.transport;
      try {
        return await fn();
      } catch (retryErr) {
        throw classifyMcpError(retryErr, this.options.name, doing);
      }
    }
  }
}

export { McpSessionError };
