/**
 * Headers for a stored MCP connection. The DB keeps only non-secret headers (account and
 * auth-config ids); the credential is added here at call time from the current config, so a
 * rotated key works at once and no key sits in the database. The Composio key goes home only:
 * to an MCP URL on Composio's own API origin, over https (plain http only when COMPOSIO_BASE_URL
 * itself is http on loopback, as in a local test setup) — never to a host a response names.
 */
import { composioBaseUrl } from './base-url.js';

export interface ComposioCredentials {
  apiKey?: string;
  /** COMPOSIO_TOKEN: a bearer used when no API key is configured. */
  token?: string;
  /** COMPOSIO_BASE_URL, when set. */
  baseUrl?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether the Composio credential may be sent to `url`. */
export function isComposioHome(url: string, baseUrl: string | undefined): boolean {
  let target: URL;
  let home: URL;
  try {
    target = new URL(url);
    home = new URL(composioBaseUrl(baseUrl));
  } catch {
    return false;
  }
  if (target.origin !== home.origin) return false;
  return home.protocol === 'https:' || (home.protocol === 'http:' && LOOPBACK.has(home.hostname));
}

export function mcpHeaders(
  url: string,
  stored: Record<string, string>,
  credentials: ComposioCredentials,
): Record<string, string> {
  const headers: Record<string, string> = { ...stored };
  const hasAuth = Object.keys(headers).some((name) => /^(x-api-key|authorization)$/i.test(name));
  if (!hasAuth && isComposioHome(url, credentials.baseUrl)) {
    if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
    else if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`;
  }
  return headers;
}
