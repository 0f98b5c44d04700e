/**
 * A short-lived loopback HTTP server that waits for one browser redirect: the callback of an
 * OAuth flow (Composio's connect, an MCP server's login). It listens on a loopback address only,
 * answers one path, lets the caller's `answer` decide what each request means, accepts exactly
 * one outcome (later ones are told so by `answer`), and closes without waiting on browsers.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GagentError } from '../errors.js';
import { requestTarget } from '../request-target.js';

const CLOSE_GRACE_MS = 500;

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto}';

/**
 * What every page of a callback may do: show its text and its one style, nothing else — no
 * script, no request, no frame around it, no form, and no Referer (its URL holds the `state`).
 */
const PAGE_HEADERS = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function page(title: string, body: string): string {
  const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>gagent — ${escapeHtml(title)}</title><style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}

export function html(res: http.ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(page(title, body));
}

/** A page the browser gets. */
export interface CallbackPage {
  status: number;
  title: string;
  body: string;
}

/**
 * What one request to the callback path means: a page, and — for the one callback the flow was
 * waiting for — its outcome. The page may wait for the flow (a login shows "done" only once the
 * code was exchanged).
 */
export interface CallbackAnswer<T> {
  page: CallbackPage | Promise<CallbackPage>;
  outcome?: T;
}

export interface LoopbackListenOptions<T> {
  /** The address to bind (a loopback address: the caller checked it). */
  bindHost: string;
  /** 0: the OS picks a free port. */
  port: number;
  path: string;
  /** Decides what a request's query means; `accepted` says whether an outcome was already taken. */
  answer(params: URLSearchParams, accepted: boolean): CallbackAnswer<T>;
  /** How to fix a port that is taken (one sentence), for the error. */
  portInUseHint: string;
}

export interface LoopbackServer<T> {
  port: number;
  /** Resolves with the one accepted outcome. */
  result: Promise<T>;
  close(): Promise<void>;
}

export async function listenForCallback<T>(options: LoopbackListenOptions<T>): Promise<LoopbackServer<T>> {
  const { bindHost, port: requestedPort, path } = options;
  let accepted = false;
  let resolveResult!: (result: T) => void;
  const result = new Promise<T>((resolve) => {
    resolveResult = resolve;
  });

  const server = http.createServer((req, res) => {
    const url = requestTarget(req.url);
    if (url?.pathname !== path) return html(res, 404, 'Not found', 'This address is not part of gagent.');
    if (req.method !== 'GET') {
      res.writeHead(405, { ...PAGE_HEADERS, allow: 'GET' }).end();
      return;
    }
    const answer = options.answer(url.searchParams, accepted);
    if (answer.outcome !== undefined) {
      // Taken before the page is written, so a second callback arriving meanwhile is refused.
      accepted = true;
      resolveResult(answer.outcome);
    }
    void Promise.resolve(answer.page).then(
      (shown) => html(res, shown.status, shown.title, shown.body),
      () => html(res, 500, 'Something went wrong', 'gagent says more where the sign-in was started.'),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new GagentError(
            `Port ${requestedPort} on ${bindHost} is already in use, so the OAuth callback server cannot start.`,
            undefined,
            options.portInUseHint,
          ),
        );
      } else {
        reject(
          new GagentError(
            `The OAuth callback server cannot listen on ${bindHost}:${requestedPort}: ${err.message}.`,
          ),
        );
      }
    });
    server.listen(requestedPort, bindHost, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    result,
    close: () =>
      new Promise<void>((resolve) => {
        // A page being served is finished; idle keep-alive sockets (browsers hold them) are dropped,
        // and anything still open after a moment is cut so gagent never waits on a browser.
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
