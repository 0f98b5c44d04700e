/**
 * Normalizes the MCP URL and headers Composio hands out, for both the tool-router session and
 * a provisioned MCP server: the `/mcp` transport suffix, singular `connected_account_id` and
 * `user_id` query parameters (Composio's generated URLs have shipped without the suffix and
 * with a plural parameter), and the account/auth-config headers. Credentials are stripped:
 * they are added at call time (mcp-headers.ts), never stored.
 */
import { isSecretName } from '../redact.js';
import type { McpEndpoint } from './remote-shapes.js';

export interface EndpointIdentity {
  userId: string;
  connectedAccountId: string;
  authConfigId: string;
}

export function normalizeMcpEndpoint(endpoint: McpEndpoint, who: EndpointIdentity): McpEndpoint {
  const url = new URL(endpoint.url);
  if (!url.pathname.replace(/\/+$/, '').endsWith('/mcp')) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/mcp`;
  }
  url.searchParams.delete('connected_account_ids');
  url.searchParams.set('connected_account_id', who.connectedAccountId);
  url.searchParams.set('user_id', who.userId);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(endpoint.headers)) {
    if (!isSecretName(name)) headers[name] = value;
  }
  headers['X-Connected-Account-Id'] = who.connectedAccountId;
  headers['X-Auth-Config-Id'] = who.authConfigId;
  return { url: url.toString(), headers };
}
