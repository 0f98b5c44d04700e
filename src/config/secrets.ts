/**
 * gagent's secrets, read straight from the environment (never failing, so a malformed variable
 * elsewhere cannot keep a secret out of the redactor), and the environment child processes get:
 * the same one without gagent's variables or anything holding one of its secrets.
 */
import { isHarmlessHeader } from '../redact.js';
import { envMcpFields } from './mcp-servers.js';
import { keyVariable, MODEL_PROVIDER_CATALOGUE, MODEL_PROVIDERS } from './model-providers.js';
import { type Env, nonEmpty } from './parse.js';

const SECRET_VARIABLES = [
  'COMPOSIO_API_KEY',
  'COMPOSIO_TOKEN',
  ...MODEL_PROVIDERS.map(keyVariable),
  'GAGENT_GROUNDING_API_KEY',
  'GAGENT_SERVE_TOKEN',
  'PGPASSWORD',
];

/**
 * Header values of a GAGENT_MCP_<NAME>_HEADERS text, read leniently: every one but those of the
 * few harmless headers, since a credential can hide under any name (X-Auth, X-Access-Key).
 */
function secretHeaderValues(text: string): string[] {
  let pairs: [string, unknown][] = [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') pairs = Object.entries(parsed);
  } catch {
    pairs = text.split(/[\n;]/).map((part) => {
      const idx = part.indexOf(':');
      return [part.slice(0, Math.max(0, idx)).trim(), part.slice(idx + 1).trim()];
    });
  }
  return pairs
    .filter(([name, value]) => !isHarmlessHeader(name) && typeof value === 'string')
    .map(([, value]) => (value as string).replace(/^(Bearer|Basic|Token)\s+/i, ''));
}

/** Every secret value the environment gives gagent (API keys, tokens, secret headers, a DB password). */
export function envSecrets(env: Env): string[] {
  const secrets: (string | undefined)[] = SECRET_VARIABLES.map((name) => nonEmpty(env[name]));
  for (const fields of envMcpFields(env).values()) {
    secrets.push(fields.token);
    if (fields.headers) secrets.push(...secretHeaderValues(fields.headers));
  }
  for (const name of ['DB_URL', 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']) {
    const url = nonEmpty(env[name]);
    if (!url) continue;
    try {
      secrets.push(decodeURIComponent(new URL(url).password) || undefined);
    } catch {
      // not a URL with a password
    }
  }
  return secrets.filter((s): s is string => !!s);
}

/** Variables that are gagent's own configuration or credentials: no child process needs them. */
const GAGENT_VARIABLE = new RegExp(
  `^(GAGENT_|COMPOSIO_|${Object.values(MODEL_PROVIDER_CATALOGUE)
    .map((p) => `${p.envPrefix}_`)
    .join('|')}|DB_URL$)`,
);

export function childEnvironment(env: Env, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  // Short values would match unrelated variables; gagent's own variables are dropped by name anyway.
  const long = secrets.filter((secret) => secret.length >= 8);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || GAGENT_VARIABLE.test(name)) continue;
    if (long.some((secret) => value.includes(secret))) continue;
    out[name] = value;
  }
  return out;
}
