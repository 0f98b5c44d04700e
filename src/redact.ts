/** Secrets never reach output unredacted (ARCHITECTURE.md, Trust). Everything printed passes through a Redactor. */

export const REDACTED = '[REDACTED]';

const SECRET_NAME = /(authorization|api[-_]?key|token|secret|password|cookie|credential|session[-_]?key)/i;
/** Headers that look like secrets by name but identify things rather than grant access. */
const PUBLIC_HEADERS = new Set(['x-connected-account-id', 'x-auth-config-id', 'mcp-session-id']);

export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  if (PUBLIC_HEADERS.has(lower)) return false;
  return SECRET_NAME.test(lower);
}

/**
 * Headers whose values are shown: they describe the request or name an account, and grant
 * nothing. Any other header may carry a credential under a name no pattern foresees (X-Auth,
 * X-Access-Key, X-Goog-Iap-Jwt), so its value is shown redacted and treated as a secret.
 */
const HARMLESS_HEADERS = new Set([
  'accept',
  'accept-language',
  'content-type',
  'user-agent',
  'mcp-protocol-version',
  'x-connected-account-id',
  'x-auth-config-id',
]);

export function isHarmlessHeader(name: string): boolean {
  return HARMLESS_HEADERS.has(name.trim().toLowerCase());
}

/** Every header value redacted but those of the few harmless headers. */
export function redactHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    out[name] = isHarmlessHeader(name) ? value : REDACTED;
  }
  return out;
}

/** Redacts query parameters whose names look secret (api_key=…, token=…). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (isSecretName(name)) parsed.searchParams.set(name, REDACTED);
  }
  if (parsed.password) parsed.password = REDACTED;
  return parsed.toString();
}

/**
 * Scrubs known secret values out of any text. Built per command from the config,
 * so it knows the actual keys in use; it is the last line of defence for error
 * messages that echo a request.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    // Longest first so a key that contains another is replaced whole; very short values would
    // redact ordinary words, so they are not treated as secrets.
    this.secrets = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
  }

  add(secret: string | undefined): void {
    if (secret && secret.length >= 6 && !this.secrets.includes(secret)) {
      this.secrets.push(secret);
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out.replace(/(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`);
  }
}

const SECRET_JSON_FIELD =
  /("[\w.-]*(?:authorization|api[-_]?key|token|secret|password|cookie|credential|session[-_]?key)[\w.-]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Redacts the values of JSON fields whose names look secret ("access_token": "…"). For logs of
 * raw API traffic only: in a command's own output such fields can be ordinary data (a page token).
 */
export function redactSecretFields(text: string): string {
  return text.replace(SECRET_JSON_FIELD, `$1"${REDACTED}"`);
}

/** Redacts every string inside a JSON-like value (history rows, events): same shape, secrets gone. */
export function redactValue<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, redactor);
    return out as T;
  }
  return value;
}
