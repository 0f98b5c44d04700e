/**
 * Real MCP servers (the official SDK, stateful Streamable HTTP) on 127.0.0.1 for tests and
 * benchmarks. Sessions are tracked, calls recorded; options add auth, delay, pagination,
 * broken tools, or a server that refuses to start.
 *
 *   const gmail = await startFakeGmail({ apiKey: 'ak_test' });
 *   gmail.url; gmail.sent; gmail.sessionCount(); await gmail.close();
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  isInitializeRequest,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

export interface FakeTool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; title?: string };
  handler: (
    args: Record<string, unknown>,
    extra: { sendProgress: (progress: number, total?: number) => Promise<void> },
  ) => Promise<CallToolResult> | CallToolResult;
}

export interface FakeMcpOptions {
  name?: string;
  tools: FakeTool[];
  /** Raw tool objects listed as-is (e.g. a broken schema). */
  rawTools?: unknown[];
  /** Require `Authorization: Bearer <bearer>`. */
  bearer?: string;
  /** Require `x-api-key: <apiKey>`. */
  apiKey?: string;
  /** Delay before answering every HTTP request. */
  delayMs?: number;
  /** tools/list page size (pagination with nextCursor). */
  pageSize?: number;
  /** Answer HTTP 500 to everything: a server that never starts properly. */
  refuse?: boolean;
  /** Serve https with this key and certificate. */
  tls?: { key: string; cert: string };
}

export interface RecordedCall {
  tool: string;
  args: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export interface FakeMcpServer {
  url: URL;
  calls: RecordedCall[];
  /** The headers of every HTTP request, in order (credentials included: what the server received). */
  requestHeaders: http.IncomingHttpHeaders[];
  sessionCount(): number;
  /** Forget every session server-side, as a restarted server would. */
  dropSessions(): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeMcpServer(options: FakeMcpOptions): Promise<FakeMcpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const calls: RecordedCall[] = [];
  const requestHeaders: http.IncomingHttpHeaders[] = [];
  let currentHeaders: http.IncomingHttpHeaders = {};

  function buildServer(): Server {
    const server = new Server(
      { name: options.name ?? 'fake-mcp', version: '0.0.1' },
      { capabilities: { tools: {} } },
    );
    const listed = [
      ...options.tools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema,
        annotations: t.annotations,
      })),
      ...(options.rawTools ?? []),
    ];
    server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      const size = options.pageSize ?? listed.length;
      const start = Number(request.params?.cursor ?? 0);
      const page = listed.slice(start, start + size);
      const next = start + size < listed.length ? String(start + size) : undefined;
      return { tools: page as never, ...(next ? { nextCursor: next } : {}) };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = options.tools.find((t) => t.name === request.params.name);
      const args = (request.params.arguments ?? {}) as Record<string, unknown>;
      if (!tool)
        return { content: [{ type: 'text', text: `Unknown tool ${request.params.name}` }], isError: true };
      calls.push({ tool: tool.name, args, headers: currentHeaders });
      const token = request.params._meta?.progressToken;
      return tool.handler(args, {
        sendProgress: async (progress, total) => {
          if (token === undefined) return;
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress, total },
          });
        },
      });
    });
    return server;
  }

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    requestHeaders.push(req.headers);
    try {
      if (options.delayMs) await sleep(options.delayMs);
      if (options.refuse) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      }
      if (options.bearer && req.headers.authorization !== `Bearer ${options.bearer}`) {
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        return;
      }
      if (options.apiKey && req.headers['x-api-key'] !== options.apiKey) {
        res.writeHead(401).end();
        return;
      }
      currentHeaders = req.headers;
      const sessionId = req.headers['mcp-session-id'];
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (req.method !== 'POST' || sessionId || !isInitializeRequest(body)) {
          res.writeHead(sessionId ? 404 : 400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              error: { code: -32000, message: sessionId ? 'Session not found' : 'Bad request' },
              id: null,
            }),
          );
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void sessions.set(id, created),
          onsessionclosed: (id) => void sessions.delete(id),
        });
        await buildServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  };

  const httpServer = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: new URL(`${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/mcp`),
    calls,
    requestHeaders,
    sessionCount: () => sessions.size,
    dropSessions: async () => {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map((t) => t.close().catch(() => {})));
    },
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close().catch(() => {})));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

export const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
