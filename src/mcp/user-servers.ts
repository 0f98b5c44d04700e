/**
 * Which MCP servers a user has, one per name, from the most trusted source that has the name:
 * their Composio-connected accounts (credentials added at call time), then the servers they added
 * (gagent mcp add), then GAGENT_MCP_<NAME>_* servers.
 */
import path from 'node:path';
import { mcpHeaders } from '../composio/mcp-headers.js';
import type { Config, EnvMcpServer } from '../config.js';
import type { FetchLike } from '../http.js';
import type { McpConnectionRow } from '../store/accounts.js';
import type { McpServerRow } from '../store/mcp-servers.js';
import type { Store } from '../store/store.js';
import { mcpAuthProvider } from './oauth/auth-provider.js';
import { McpRegistry, type RegistryOptions } from './registry.js';
import { type HttpTransportMode, type ServerConfig, serverSecrets } from './server-config.js';

export function envServerHeaders(server: EnvMcpServer): Record<string, string> {
  const headers = { ...server.headers };
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  if (server.token && !hasAuth) headers.Authorization = `Bearer ${server.token}`;
  return headers;
}

/** Where a user's stdio server writes its stderr: under the home, one file per user and server. */
export function stdioLogFile(home: string, userId: string, name: string): string {
  return path.join(home, 'logs', 'mcp', encodeURIComponent(userId), `${name}.log`);
}

export interface UserServerContext {
  /** Composio connections' headers, with the credentials added. */
  composioHeaders: (row: McpConnectionRow) => Record<string, string>;
  /** Where each stdio server of the user logs. */
  logFile: (name: string) => string;
  /** Whether stdio servers may start here (serve and workers: only with GAGENT_ALLOW_STDIO=1). */
  allowStdio: boolean;
  /** PATH and HOME, the only variables of gagent's a stdio program inherits. */
  inherited: { PATH?: string; HOME?: string };
}

function composioConfig(row: McpConnectionRow, ctx: UserServerContext): ServerConfig {
  return {
    name: row.provider,
    source: 'composio',
    endpoint: { kind: 'http', url: row.url ?? '', headers: ctx.composioHeaders(row), mode: 'http' },
    // Composio toolkits are curated: their read-only hints are honoured.
    trustReadOnlyHints: true,
  };
}

function addedConfig(row: McpServerRow, ctx: UserServerContext): ServerConfig {
  const trustReadOnlyHints = row.trust === 'read-only-hints';
  if (row.transport === 'stdio') {
    return {
      name: row.name,
      source: 'user',
      endpoint: {
        kind: 'stdio',
        command: row.command ?? '',
        args: row.args ?? [],
        env: row.env ?? {},
        inherited: ctx.inherited,
        logFile: ctx.logFile(row.name),
      },
      trustReadOnlyHints,
      ...(ctx.allowStdio
        ? {}
        : { disabled: 'stdio servers do not start here: the operator has not set GAGENT_ALLOW_STDIO=1' }),
    };
  }
  const mode: HttpTransportMode = row.transport === 'sse' ? 'sse' : 'auto';
  return {
    name: row.name,
    source: 'user',
    endpoint: { kind: 'http', url: row.url ?? '', headers: row.headers ?? {}, mode },
    trustReadOnlyHints,
  };
}

function envConfig(server: EnvMcpServer): ServerConfig {
  return {
    name: server.name,
    source: 'env',
    endpoint: { kind: 'http', url: server.url, headers: envServerHeaders(server), mode: 'auto' },
    trustReadOnlyHints: server.trust === 'read-only-hints',
  };
}

/** One server per name: Composio's, else the user's own, else the environment's. */
export function serverConfigs(
  composio: McpConnectionRow[],
  added: McpServerRow[],
  envServers: EnvMcpServer[],
  ctx: UserServerContext,
): ServerConfig[] {
  const out: ServerConfig[] = composio.map((row) => composioConfig(row, ctx));
  const taken = new Set(out.map((s) => s.name));
  for (const row of added) {
    if (taken.has(row.name)) continue;
    out.push(addedConfig(row, ctx));
    taken.add(row.name);
  }
  for (const server of envServers) if (!taken.has(server.name)) out.push(envConfig(server));
  return out;
}

/** Told each secret in the user's server configurations (a Redactor), so no output shows one. */
export interface SecretSink {
  add(secret: string): void;
}

export interface UserServerOptions {
  /** The command's HTTP stack: with it, a server the user logged in to carries its OAuth login. */
  fetch?: FetchLike;
}

export async function userServerConfigs(
  config: Config,
  store: Store,
  secrets: SecretSink,
  options: UserServerOptions = {},
): Promise<ServerConfig[]> {
  const userId = config.user;
  const [composio, added] = await Promise.all([
    store.accounts.activeMcpConnections(userId),
    store.mcpServers.list(userId),
  ]);
  const configs = serverConfigs(composio, added, config.mcpServers, {
    composioHeaders: (row) => mcpHeaders(row.url, row.headers, config.composio),
    logFile: (name) => stdioLogFile(config.home, userId, name),
    allowStdio: config.allowStdioServers,
    inherited: { PATH: config.childEnv.PATH, HOME: config.childEnv.HOME },
  });
  for (const server of configs) for (const secret of serverSecrets(server)) secrets.add(secret);
  if (options.fetch) await attachLogins(configs, added, { store, userId, fetch: options.fetch, secrets });
  return configs;
}

/** The stored OAuth login of each remote server the user added and signed in to (mcp login). */
async function attachLogins(
  configs: ServerConfig[],
  added: McpServerRow[],
  access: { store: Store; userId: string; fetch: FetchLike; secrets: SecretSink },
): Promise<void> {
  await Promise.all(
    configs.map(async (server) => {
      const row = added.find((r) => r.name === server.name);
      if (server.source !== 'user' || server.endpoint.kind !== 'http' || !row) return;
      const authProvider = await mcpAuthProvider({
        store: access.store,
        userId: access.userId,
        server: {
          name: row.name,
          url: server.endpoint.url,
          oauthClientId: row.oauthClientId,
          oauthCallbackPort: row.oauthCallbackPort,
        },
        fetch: access.fetch,
        onSecret: (secret) => access.secrets.add(secret),
      });
      if (authProvider) server.endpoint.authProvider = authProvider;
    }),
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
  secrets: SecretSink,
  options: RegistryOptions = {},
): Promise<McpRegistry> {
  return McpRegistry.start(await userServerConfigs(config, store, secrets, { fetch: options.fetch }), {
    ...registryDefaults(config),
    ...options,
  });
}

/** Connects the user's servers and returns once each is ready, unreachable or unauthorized. */
export async function connectUserRegistry(
  config: Config,
  store: Store,
  secrets: SecretSink,
  options: RegistryOptions = {},
): Promise<McpRegistry> {
  return McpRegistry.connect(await userServerConfigs(config, store, secrets, { fetch: options.fetch }), {
    ...registryDefaults(config),
    ...options,
  });
}
