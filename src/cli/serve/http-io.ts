/**
 * The HTTP edges of `gagent serve`: bodies read within a limit, JSON out, the bearer token checked
 * in constant time, and every error as {error: {code, message}} with the status that matches the
 * CLI's exit code (2 → 400, 3 → 401/403, 4 → 502, anything else → 500), plus the command's
 * document as `result` when it did part of its work before failing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { ExitCode, errorMessage, GagentError, NotFoundError } from '../../errors.js';
import { databaseErrorMessage, isTransientDbError } from '../../store/db-errors.js';

/** How long a request body may pause before the request is given up (408). */
export const BODY_IDLE_MS = 30_000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body of at most `limit` bytes; more is refused (413) without keeping it. The stream
 * is left open (not destroyed) so the server can still answer the client.
 */
export async function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A body that stops arriving would hold its connection (and memory) for as long as it likes.
    let idle: NodeJS.Timeout | undefined;
    const stalled = () => {
      req.off('data', onData);
      reject(
        new HttpError(408, 'request_timeout', `The body stopped arriving for ${BODY_IDLE_MS / 1000} s.`),
      );
    };
    const onData = (chunk: Buffer) => {
      idle?.refresh();
      size += chunk.length;
      if (size > limit) {
        clearTimeout(idle);
        req.off('data', onData);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    idle = setTimeout(stalled, BODY_IDLE_MS);
    idle.unref();
    req.on('data', onData);
    req.once('end', () => {
      clearTimeout(idle);
      resolve(Buffer.concat(chunks));
    });
    req.once('error', (err) => {
      clearTimeout(idle);
      reject(err);
    });
  });
  if (raw.length === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(
      415,
      'unsupported_media_type',
      'The body must be JSON (Content-Type: application/json).',
    );
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_request', 'The body is not valid JSON.');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The body is larger than ${Math.round(limit / 1024)} KB.`);
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

/**
 * A command that printed its document and then failed (e.g. disconnected here, but the revoke at
 * Composio failed): answered as the error, with the document beside it, as the CLI prints both.
 */
export class ErrorWithResult extends Error {
  constructor(
    readonly error: unknown,
    readonly result: unknown,
  ) {
    super(errorMessage(error));
  }
}

function sentence(err: GagentError): string {
  return [/[.!?]$/.test(err.message) ? err.message : `${err.message}.`, err.hint].filter(Boolean).join(' ');
}

/** An error as the API's answer: the status and code its exit code maps to, and its one sentence. */
export function errorAnswer(err: unknown): {
  status: number;
  code: string;
  message: string;
  result?: unknown;
} {
  if (err instanceof ErrorWithResult) return { ...errorAnswer(err.error), result: err.result };
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof NotFoundError) return { status: 404, code: 'not_found', message: sentence(err) };
  if (err instanceof GagentError) {
    const message = sentence(err);
    switch (err.exitCode) {
      case ExitCode.Usage:
        return { status: 400, code: 'bad_request', message };
      case ExitCode.NotAuthorized:
        return { status: 403, code: 'not_authorized', message };
      case ExitCode.Unreachable:
        return { status: 502, code: 'upstream_unreachable', message };
      case ExitCode.Interrupted:
        return { status: 503, code: 'interrupted', message };
      default:
        return { status: 500, code: 'failed', message };
    }
  }
  if (isTransientDbError(err))
    return {
      status: 503,
      code: 'database_unavailable',
      message: `The database cannot be reached right now (${databaseErrorMessage(err)}); try again shortly.`,
    };
  return { status: 500, code: 'internal', message: 'Unexpected error; the server log says more.' };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function hasToken(req: http.IncomingMessage, token: string): boolean {
  const header = String(req.headers.authorization ?? '');
  const match = /^Bearer\s+(.+)$/i.exec(header);
  // Hashes of equal length: the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(match?.[1]?.trim() ?? ''), digest(token)) && !!match;
}
