/** Talking to a remote server during a login: its transport (with its own headers, to it only) and its tools. */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '../../http.js';
import { packageVersion } from '../../package-root.js';
import type { McpTransportKind } from '../../store/mcp-servers.js';
import { classifyMcpError } from '../errors.js';
import { withServerHeaders } from '../server-headers.js';
import type { OAuthServer } from './stored-state.js';

export interface LoginServer extends OAuthServer {
  transport: McpTransportKind;
  headers?: Record<string, string> | null;
}

export const CLIENT_INFO = { name: 'gagent', version: packageVersion(import.meta.url) };
export const CONNECT_TIMEOUT_MS = 30_000;
/** A server repeating its cursor would page forever. */
const MAX_TOOL_PAGES = 50;

export function serverTransport(
  server: LoginServer,
  authProvider: OAuthClientProvider | undefined,
  fetch: FetchLike,
): SSEClientTransport | StreamableHTTPClientTransport {
  const url = new URL(server.url);
  const options = { authProvider, fetch: withServerHeaders(fetch, server.url, server.headers) };
  return server.transport === 'sse'
    ? new SSEClientTransport(url, options)
    : new StreamableHTTPClientTransport(url, options);
}

/**
 * The server's tool names, through `authProvider` as a run would use it. A refused login is an
 * error; any other failure is reported as a problem (the login itself is stored by then).
 */
export async function listToolNames(
  context: { server: LoginServer; fetch: FetchLike; signal: AbortSignal },
  authProvider: OAuthClientProvider | undefined,
): Promise<{ tools: string[]; toolProblem?: string }> {
  const { server, fetch, signal } = context;
  const transport = serverTransport(server, authProvider, fetch);
  const client = new Client(CLIENT_INFO);
  try {
    await client.connect(transport, { signal, timeout: CONNECT_TIMEOUT_MS });
    const tools: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await client.listTools(cursor ? { cursor } : undefined, {
        signal,
        timeout: CONNECT_TIMEOUT_MS,
      });
      tools.push(...listed.tools.map((tool) => tool.name));
      cursor = listed.nextCursor;
      if (!cursor) break;
    }
    return { tools };
  } catch (err) {
    const failure = classifyMcpError(err, server.name, 'listing its tools');
    if (!('kind' in failure) || failure.kind === 'unauthorized') throw failure;
    return { tools: [], toolProblem: failure.message };
  } finally {
    if (transport instanceof StreamableHTTPClientTransport)
      await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }
}
