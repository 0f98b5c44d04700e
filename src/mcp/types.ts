/**
 * What the agent's action registry needs from a connected MCP server. The MCP registry's
 * server handles satisfy this; the agent binds actions against it without knowing sessions.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

import type { ServerSource } from './server-config.js';

export type { CallToolResult, Tool };

/**
 * Where a server's tools come from, which decides how far their own claims are believed:
 * Composio toolkits are curated; a server the user added or configured by environment is not
 * (unless the user trusts its read-only hints: mcp add --trust, GAGENT_MCP_<NAME>_TRUST).
 */
export interface ServerTrust {
  source: ServerSource;
  /** The server's readOnlyHint lets a tool run without asking. */
  honoursReadOnlyHints: boolean;
  /** scheme://host:port of the server (stdio: the program), remembered with an "always" approval. */
  origin: string;
}

export interface McpToolSource {
  /** Provider or server name, lower case (gmail, slack, or the NAME of GAGENT_MCP_<NAME>_URL). */
  readonly provider: string;
  readonly trust: ServerTrust;
  /** Tools as listed by the server (already validated; broken ones skipped). */
  readonly tools: readonly Tool[];
  /** Calls a tool on the cached session. A result with isError is returned, not thrown. */
  callTool(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
}
