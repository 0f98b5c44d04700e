/**
 * Turns whatever the Composio SDK throws into one sentence and an exit code. The SDK wraps HTTP
 * errors from its client (not exported) in its own classes, so we walk the cause chain and read
 * `status` and Composio's own message instead of printing the JSON body.
 */
import {
  errorMessage,
  GagentError,
  httpStatusError,
  httpVerdict,
  InterruptedError,
  isNetworkError,
  NotAuthorizedError,
  UnreachableError,
} from '../errors.js';

interface Walked {
  status?: number;
  apiMessage?: string;
  names: string[];
  network: boolean;
}

function walk(err: unknown): Walked {
  const out: Walked = { names: [], network: isNetworkError(err) };
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      status?: unknown;
      error?: { error?: { message?: unknown } };
      constructor?: { name?: string };
      code?: unknown;
      cause?: unknown;
    };
    if (out.status === undefined && typeof e.status === 'number') out.status = e.status;
    const nested = e.error?.error?.message;
    if (out.apiMessage === undefined && typeof nested === 'string') out.apiMessage = nested;
    if (e.constructor?.name) out.names.push(e.constructor.name);
    if (typeof e.code === 'string') out.names.push(e.code);
    current = e.cause;
  }
  return out;
}

const KEY_HINT = 'Set COMPOSIO_API_KEY to a valid project API key from the Composio dashboard.';

export function noApiKeyError(): NotAuthorizedError {
  return new NotAuthorizedError('COMPOSIO_API_KEY is not set, so gagent cannot talk to Composio.', KEY_HINT);
}

/** `doing` completes "Composio … while <doing>", e.g. "creating the authorization link". */
export function mapComposioError(err: unknown, doing: string, baseUrl: string): GagentError {
  if (err instanceof GagentError) return err;
  const w = walk(err);
  const host = safeHost(baseUrl);
  const detail = w.apiMessage ?? firstLine(errorMessage(err));
  if (w.names.some((n) => /NoAPIKey|NO_API_KEY/.test(n))) return noApiKeyError();
  // Our own abort (Ctrl+C) reaches us as the SDK's cancellation error.
  if (w.names.some((n) => /RequestCancelled|REQUEST_CANCELLED|APIUserAbortError|AbortError/.test(n)))
    return new InterruptedError();
  if (w.status !== undefined && httpVerdict(w.status) === 'rejected') {
    return httpStatusError(
      w.status,
      `Composio rejected the API key (HTTP ${w.status}) while ${doing}: ${detail}`,
      KEY_HINT,
      {
        cause: err,
      },
    );
  }
  if (w.status !== undefined && httpVerdict(w.status) === 'unavailable') {
    return httpStatusError(
      w.status,
      `Composio at ${host} is unavailable (HTTP ${w.status}) while ${doing}: ${detail}`,
      'Try again in a moment.',
      { cause: err },
    );
  }
  if (w.network || w.names.some((n) => /APIConnection|ConnectionTimeout|Timeout/i.test(n))) {
    return new UnreachableError(
      `Cannot reach Composio at ${host} while ${doing}.`,
      'Check your network and COMPOSIO_BASE_URL.',
      {
        cause: err,
      },
    );
  }
  if (w.status !== undefined) {
    return httpStatusError(w.status, `Composio refused ${doing} (HTTP ${w.status}): ${detail}`, undefined, {
      cause: err,
    });
  }
  // The SDK tripping over an answer it did not expect (a TypeError deep in its parsing, a schema
  // error): that is Composio's answer being unusable, not something to print as JS internals.
  if (
    err instanceof TypeError ||
    err instanceof SyntaxError ||
    w.names.some((n) => /Zod|Validation/.test(n))
  ) {
    return badComposioReply(host, doing, err);
  }
  return new GagentError(`Composio failed while ${doing}: ${detail}`, undefined, undefined, { cause: err });
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  // A client message of the form `401 {"error":…}` is JSON; never print it raw.
  return line.replace(/\s*\{.*$/, '').trim() || 'unknown error';
}

export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The HTTP status Composio answered with, wherever it sits in the cause chain. */
export function composioHttpStatus(err: unknown): number | undefined {
  return walk(err).status;
}

export function isNotFound(err: unknown): boolean {
  const w = walk(err);
  return w.status === 404 || w.names.some((n) => /NotFound|NOT_FOUND/.test(n));
}

/** Composio answered, but not with something gagent can use (exit 4: the upstream is at fault). */
export function badComposioReply(host: string, doing: string, cause?: unknown): UnreachableError {
  return new UnreachableError(
    `Composio at ${host} sent an answer gagent cannot use while ${doing}.`,
    'Check that COMPOSIO_BASE_URL points at the Composio API, and try again.',
    { cause },
  );
}
