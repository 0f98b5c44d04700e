/**
 * An MCP server that speaks only the legacy HTTP+SSE transport (protocol 2024-11-05), as servers
 * written before Streamable HTTP do: GET /sse opens the event stream and names the endpoint for
 * messages; a POST to /sse itself is answered 405, as such servers answer. Built with the SDK's
 * own SSEServerTransport, on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { z } from 'zod';

export interface FakeSseServer {
  url: URL;
  /** Every request as "METHOD path", in order. */
  requests: string[];
  close(): Promise<void>;
}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'legacy-sse', version: '0.0.1' });
  server.registerTool(
    'shout',
    { description: 'Says the text back in capitals.', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }),
  );
  return server;
}

export async function startFakeSseServer(): Promise<FakeSseServer> {
  const transports = new Map<string, SSEServerTransport>();
  const requests: string[] = [];
  const httpServer = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    try {
      if (req.method === 'GET' && url.pathname === '/sse') {
        const transport = new SSEServerTransport('/messages', res);
        transports.set(transport.sessionId, transport);
        res.on('close', () => transports.delete(transport.sessionId));
        await buildServer().connect(transport);
        return;
      }
      if (req.method === 'POST' && url.pathname === '/messages') {
        const transport = transports.get(url.searchParams.get('sessionId') ?? '');
        if (!transport) {
          res.writeHead(404).end('unknown session');
          return;
        }
        await transport.handlePostMessage(req, res);
        return;
      }
      res.writeHead(405, { allow: 'GET' }).end('Method Not Allowed');
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/sse`),
    requests,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => {})));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
