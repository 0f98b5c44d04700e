/**
 * Headers for a stored MCP connection. The DB keeps only non-secret headers (account and
 * auth-config ids); the credential is added here at call time from the current config, so a
 * rotated key works at once and no key sits in the database.
 */
export interface ComposioCredentials {
  apiKey?: string;
  /** COMPOSIO_TOKEN: a bearer used when no API key is configured. */
  token?: string;
}

export function mcpHeaders(
  stored: Record<string, string>,
  credentials: ComposioCredentials,
): Record<string, string> {
  const headers: Record<string, string> = { ...stored };
  const hasAuth = Object.keys(headers).some((name) => /^(x-api-key|authorization)$/i.test(name));
  if (!hasAuth) {
    if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
    else if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`;
  }
  return headers;
}
