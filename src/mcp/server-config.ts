/**
 * One MCP server of one user, as the registry connects it: where it comes from (which decides
 * how far its own claims are believed) and how it is reached (a URL, or a program over stdio).
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { isHarmlessHeader } from '../redact.js';

/**
 * composio: a Composio-connected account (curated toolkits); user: added with `gagent mcp add`
 * (stored per user); env: GAGENT_MCP_<NAME>_URL. A name resolves to one source, in that order.
 */
export type ServerSource = 'composio' | 'user' | 'env';

/** `auto` tries Streamable HTTP, then legacy HTTP+SSE when the server answers the POST with a 4xx. */
export type HttpTransportMode = 'auto' | 'http' | 'sse';

export interface HttpEndpoint {
  kind: 'http';
  url: string;
  headers: Record<string, string>;
  mode: HttpTransportMode;
  /** The server's OAuth state (MCP authorization spec), when the user logged in to it. */
  authProvider?: OAuthClientProvider;
}

export interface StdioEndpoint {
  kind: 'stdio';
  command: string;
  args: string[];
  /** The only variables the program gets besides PATH and HOME (values are secrets). */
  env: Record<string, string>;
  /** PATH and HOME from gagent's environment: all the program inherits. */
  inherited: { PATH?: string; HOME?: string };
  /** Where the program's stderr goes. */
  logFile: string;
}

export type Endpoint = HttpEndpoint | StdioEndpoint;

export interface ServerConfig {
  /** Provider or server name, lower case. */
  name: string;
  source: ServerSource;
  endpoint: Endpoint;
  /** Whether the server's read-only hints let tools run without asking (Composio: yes; others: the user's say). */
  trustReadOnlyHints: boolean;
  /** Why this server is not used here (set instead of connecting), e.g. stdio in a worker without GAGENT_ALLOW_STDIO. */
  disabled?: string;
}

/**
 * Where a server is, as remembered with an "always" approval: scheme://host:port of a URL, or the
 * program for stdio (its arguments may hold secrets, and approvals are listed).
 */
export function endpointOrigin(endpoint: Endpoint): string {
  if (endpoint.kind === 'stdio') return `stdio:${endpoint.command}`;
  try {
    return new URL(endpoint.url).origin;
  } catch {
    return endpoint.url;
  }
}

/**
 * The values in a server's configuration that may grant access: every header value but the few
 * harmless ones, and every variable given to a stdio program. Added to the command's redactor,
 * so an error that echoes a request never prints them.
 */
export function serverSecrets(config: ServerConfig): string[] {
  const { endpoint } = config;
  if (endpoint.kind === 'stdio') return Object.values(endpoint.env);
  return Object.entries(endpoint.headers)
    .filter(([name]) => !isHarmlessHeader(name))
    .flatMap(([, value]) => [value, value.replace(/^Bearer\s+/i, '')]);
}
