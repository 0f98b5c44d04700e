/**
 * The transport for one server: Streamable HTTP; legacy HTTP+SSE for servers that predate it
 * (tried when `auto` gets a 4xx other than 401/403 for the Streamable POST, as the spec's
 * backwards-compatibility section says); or a program over stdio in a process group of its own.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { FetchLike } from '../http.js';
import { packageVersion } from '../package-root.js';
import { boundedFetch } from './bounded-fetch.js';
import type { Endpoint, HttpEndpoint } from './server-config.js';
import { withServerHeaders } from './server-headers.js';
import { StdioProcessTransport } from './stdio-transport.js';

const CLIENT_INFO = { name: 'gagent', version: packageVersion(import.meta.url) };

export interface TransportOptions {
  /** Server name, for messages. */
  name: string;
  connectTimeoutMs: number;
  maxResultBytes: number;
  fetch?: FetchLike;
}

export interface Connected {
  client: Client;
  transport: Transport;
  /** Which transport carried the session (shown by debug mcp-client). */
  kind: 'streamable-http' | 'sse' | 'stdio';
}

function httpTransport(endpoint: HttpEndpoint, sse: boolean, options: TransportOptions): Transport {
  // The server's headers go to its own origin only: the SDK would also send requestInit's to an
  // authorization server, often another host.
  const fetch = withServerHeaders(options.fetch ?? globalThis.fetch, endpoint.url, endpoint.headers);
  const common = {
    fetch: boundedFetch(options.maxResultBytes, fetch as never),
    ...(endpoint.authProvider ? { authProvider: endpoint.authProvider } : {}),
  };
  if (sse) return new SSEClientTransport(new URL(endpoint.url), common);
  return new StreamableHTTPClientTransport(new URL(endpoint.url), {
    ...common,
    reconnectionOptions: {
      initialReconnectionDelay: 1_000,
      maxReconnectionDelay: 10_000,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: 2,
    },
  });
}

/** A Streamable POST refused in a way that says "not this transport" (not "not you"). */
function wantsLegacySse(err: unknown): boolean {
  if (!(err instanceof StreamableHTTPError)) return false;
  const status = err.code ?? 0;
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429;
}

/**
 * What really went wrong: when a stdio program dies or breaks the protocol, the client only sees
 * "Connection closed"; the transport knows why.
 */
export function explainFailure(transport: Transport, err: unknown): unknown {
  return (transport instanceof StdioProcessTransport && transport.failure) || err;
}

async function attempt(transport: Transport, options: TransportOptions): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  try {
    await client.connect(transport, { timeout: options.connectTimeoutMs });
    return client;
  } catch (err) {
    await client.close().catch(() => {});
    throw explainFailure(transport, err);
  }
}

/** Connects a client to the endpoint (initialize included); errors are the SDK's, unclassified. */
export async function connectEndpoint(endpoint: Endpoint, options: TransportOptions): Promise<Connected> {
  if (endpoint.kind === 'stdio') {
    const transport = new StdioProcessTransport({
      name: options.name,
      command: endpoint.command,
      args: endpoint.args,
      env: endpoint.env,
      inherited: endpoint.inherited,
      logFile: endpoint.logFile,
      maxMessageBytes: options.maxResultBytes,
    });
    return { client: await attempt(transport, options), transport, kind: 'stdio' };
  }
  if (endpoint.mode === 'sse') {
    const transport = httpTransport(endpoint, true, options);
    return { client: await attempt(transport, options), transport, kind: 'sse' };
  }
  const transport = httpTransport(endpoint, false, options);
  try {
    return { client: await attempt(transport, options), transport, kind: 'streamable-http' };
  } catch (err) {
    if (endpoint.mode !== 'auto' || !wantsLegacySse(err)) throw err;
    const legacy = httpTransport(endpoint, true, options);
    return { client: await attempt(legacy, options), transport: legacy, kind: 'sse' };
  }
}

/** Ends a session: Streamable HTTP sessions are terminated on the server (DELETE) first. */
export async function closeConnected(connected: Connected): Promise<void> {
  try {
    if (connected.transport instanceof StreamableHTTPClientTransport)
      await connected.transport.terminateSession();
  } catch {
    // A server that forgot the session or is gone is fine: we are leaving.
  } finally {
    await connected.client.close().catch(() => {});
  }
}
