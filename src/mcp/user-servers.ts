/**
 * Which MCP servers a user has: their connected accounts' MCP connections from the database
 * (credentials added at call time), then GAGENT_MCP_<NAME>_* servers for names the database
 * does not have.
 */
import { mcpHeaders } from '../composio/mcp-headers.js';
import type { Config, EnvMcpServer } from '../config.js';
import type { McpConnectionRow } from '../store/accounts.js';
import type { Store } from '../store/store.js';
import { McpRegistry, type RegistryOptions, type ServerConfig } from './registry.js';

export function envServerHeaders(server: EnvMcpServer): Record<string, string> {
  const headers = { ...server.headers };
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  if (server.token && !hasAuth) headers.Authorization = `Bearer ${server.token}`;
  return headers;
}

export function serverConfigs(
  rows: McpConnectionRow[],
  envServers: EnvMcpServer[],
  headersFor: (row: McpConnectionRow) => Record<string, string>,
): ServerConfig[] {
  const fromDb: ServerConfig[] = rows.map((row) => ({
    name: row.provider,
    source: 'db',
    url: row.url,
    headers: headersFor(row),
    // Composio toolkits are curated: their read-only hints are honoured.
    trustReadOnlyHints: true,
  }));
  const taken = new Set(fromDb.map((s) => s.name));
  const fromEnv: ServerConfig[] = envServers
    .filter((s) => !taken.has(s.name))
    .map((s) => ({
      name: s.name,
      source: 'env',
      url: s.url,
      headers: envServerHeaders(s),
      trustReadOnlyHints: s.trust === 'read-only-hints',
    }));
  return [...fromDb, ...fromEnv];
}

export async function userServerConfigs(
  config: Config,
  store: Store,
  userId = config.user,
): Promise<ServerConfig[]> {
  return serverConfigs(await store.accounts.activeMcpConnections(userId), config.mcpServers, (row) =>
    mcpHeaders(row.url, row.headers, config.composio),
  );
}

/** The registry options the config sets: the connect timeout and the result cap. */
export function registryDefaults(config: Config): RegistryOptions {
  return { connectTimeoutMs: config.mcpTimeoutMs, maxResultBytes: config.mcpMaxResultBytes };
}

/** Starts connecting the user's servers in the background (a run binds each as it becomes ready). */
export async function startUserRegistry(
  config: Config,
  store: Store,
  options: RegistryOptions = {},
): Promise<McpRegistry> {
  return McpRegistry.start(await userServerConfigs(config, store), {
    ...registryDefaults(config),
    ...options,
  });
}

export async function connectUserRegistry(
  config: Config,
  store: Store,
  options: RegistryOptions = {},
): Promise<McpRegistry> {
  return McpRegistry.connect(await userServerConfigs(config, store), {
    ...registryDefaults(config),
    ...options,
  });
}
