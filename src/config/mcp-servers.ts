/** MCP servers given through GAGENT_MCP_<NAME>_URL / _TOKEN / _HEADERS / _TRUST. */
import { UsageError } from '../errors.js';
import { type Env, nonEmpty, parseHeaderList, parseHttpUrl } from './parse.js';

/**
 * How far an env-configured server is trusted: by default not at all (every call asks);
 * `read-only-hints` lets its tools that claim to be read-only run without asking.
 */
export const MCP_TRUST_LEVELS = ['none', 'read-only-hints'] as const;
export type McpTrust = (typeof MCP_TRUST_LEVELS)[number];

export interface EnvMcpServer {
  name: string;
  url: string;
  token?: string;
  headers: Record<string, string>;
  trust: McpTrust;
}

export const MCP_ENV = /^GAGENT_MCP_([A-Z0-9][A-Z0-9_]*?)_(URL|TOKEN|HEADERS|TRUST)$/;

type Fields = { url?: string; token?: string; headers?: string; trust?: string };

/** The raw GAGENT_MCP_<NAME>_* values, by NAME. Never throws. */
export function envMcpFields(env: Env): Map<string, Fields> {
  const byName = new Map<string, Fields>();
  for (const [key, raw] of Object.entries(env)) {
    const match = MCP_ENV.exec(key);
    const value = nonEmpty(raw);
    if (!match?.[1] || !match[2] || !value) continue;
    const entry = byName.get(match[1]) ?? {};
    entry[match[2].toLowerCase() as keyof Fields] = value;
    byName.set(match[1], entry);
  }
  return byName;
}

function parseTrust(value: string | undefined, name: string): McpTrust {
  if (value === undefined) return 'none';
  if ((MCP_TRUST_LEVELS as readonly string[]).includes(value)) return value as McpTrust;
  throw new UsageError(
    `${name} must be "read-only-hints" or "none", got "${value}".`,
    `Set ${name}=read-only-hints to let the server's tools that claim to be read-only run without asking.`,
  );
}

export function parseMcpServers(env: Env): EnvMcpServer[] {
  const servers: EnvMcpServer[] = [];
  for (const [envName, entry] of [...envMcpFields(env)].sort(([a], [b]) => a.localeCompare(b))) {
    if (!entry.url) {
      throw new UsageError(
        `GAGENT_MCP_${envName}_URL is missing while other GAGENT_MCP_${envName}_* variables are set.`,
        `Set GAGENT_MCP_${envName}_URL to the server's Streamable HTTP endpoint.`,
      );
    }
    servers.push({
      name: envName.toLowerCase(),
      url: parseHttpUrl(entry.url, `GAGENT_MCP_${envName}_URL`).toString(),
      ...(entry.token ? { token: entry.token } : {}),
      headers: entry.headers ? parseHeaderList(entry.headers, `GAGENT_MCP_${envName}_HEADERS`) : {},
      trust: parseTrust(entry.trust, `GAGENT_MCP_${envName}_TRUST`),
    });
  }
  return servers;
}
