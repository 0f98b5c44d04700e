/**
 * The short-lived localhost server Composio redirects the browser to after OAuth. Loopback only,
 * checks our random `state`, accepts exactly one callback, keeps waiting after a wrong one.
 * The callback is a hint, not proof: the caller confirms the account with Composio.
 */

import { UsageError } from '../errors.js';
import { listenForCallback } from './loopback-server.js';

export { html } from './loopback-server.js';

export interface CallbackResult {
  connectedAccountId: string | null;
  /** Composio appends status=success|failed. */
  status: 'success' | 'failed' | null;
}

export interface CallbackServer {
  /** The full callback URL, including our state parameter. */
  url: string;
  port: number;
  /** Resolves with the one accepted callback. */
  result: Promise<CallbackResult>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const DEFAULT_PATH = '/callback';

export interface CallbackAddress {
  /** The host as it appears in the callback URL. */
  host: string;
  /** The address the server binds (loopback). */
  bindHost: string;
  /** 0: the OS picks a free port. */
  port: number;
  path: string;
  /** Extra query parameters from COMPOSIO_REDIRECT, kept in the callback URL. */
  params: URLSearchParams;
}

/**
 * Where the local callback server listens: COMPOSIO_REDIRECT exactly as written (its port,
 * including a default one such as 80, and its path), or a free loopback port. It must be plain
 * http on this machine: the server is a short-lived loopback listener, not a public endpoint.
 */
export function callbackAddress(redirect?: URL): CallbackAddress {
  if (!redirect)
    return {
      host: '127.0.0.1',
      bindHost: '127.0.0.1',
      port: 0,
      path: DEFAULT_PATH,
      params: new URLSearchParams(),
    };
  const host = redirect.hostname;
  if (!LOOPBACK.has(host)) {
    throw new UsageError(
      `COMPOSIO_REDIRECT must point at this machine (127.0.0.1 or localhost), not "${host}".`,
      'The callback server only listens on loopback; a public URL is for gagent serve (its /v1/connect/callback route), so leave COMPOSIO_REDIRECT out of this environment.',
    );
  }
  if (redirect.protocol !== 'http:') {
    throw new UsageError(
      `COMPOSIO_REDIRECT must be an http URL, got "${redirect.protocol}//": the callback server on this machine speaks plain http.`,
      'Use http://127.0.0.1:<port>/<path>.',
    );
  }
  return {
    host,
    bindHost: host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''),
    // URL hides a protocol's default port (":80" reads as ""): that is still the port the user named.
    port: redirect.port ? Number(redirect.port) : 80,
    path: redirect.pathname !== '/' ? redirect.pathname : DEFAULT_PATH,
    params: redirect.searchParams,
  };
}

/** The page a callback gets, and the outcome when it is Composio's answer for `state` (the first one only). */
export function answerCallback(
  params: URLSearchParams,
  state: string,
  alreadyAccepted: boolean,
): { status: number; title: string; body: string; outcome?: CallbackResult } {
  if (params.get('state') !== state)
    return {
      status: 400,
      title: 'Not for this connection',
      body: 'This link does not belong to the gagent connect that is waiting. Use the link gagent printed.',
    };
  if (alreadyAccepted)
    return {
      status: 409,
      title: 'Already done',
      body: 'This connection was already completed. You can close this window.',
    };
  const status = params.get('status');
  if (status !== 'success' && status !== 'failed')
    // Not Composio's answer (no or an unknown status): say so, and keep waiting for the real one.
    return {
      status: 400,
      title: 'Not finished yet',
      body: 'This page was opened without Composio’s answer. Finish signing in through the link gagent printed; the terminal shows when it is done.',
    };
  const outcome: CallbackResult = {
    connectedAccountId: params.get('connected_account_id') ?? params.get('connectedAccountId'),
    status,
  };
  return outcome.status === 'failed'
    ? {
        status: 200,
        title: 'Authorization failed',
        body: 'The provider did not grant access. gagent says more where the connection was started.',
        outcome,
      }
    : {
        status: 200,
        title: 'Connected',
        body: 'You can close this window and return to the terminal.',
        outcome,
      };
}

export async function startCallbackServer(options: {
  state: string;
  redirect?: URL;
}): Promise<CallbackServer> {
  const { host, bindHost, port: requestedPort, path, params } = callbackAddress(options.redirect);
  const server = await listenForCallback<CallbackResult>({
    bindHost,
    port: requestedPort,
    path,
    answer: (query, accepted) => {
      const { outcome, ...shown } = answerCallback(query, options.state, accepted);
      return { page: shown, outcome };
    },
    portInUseHint:
      'Stop whatever uses it, or set COMPOSIO_REDIRECT to a free port (or unset it to let gagent pick one).',
  });
  const callback = new URL(`http://${host === '::1' ? '[::1]' : host}:${server.port}${path}`);
  for (const [k, v] of params) callback.searchParams.set(k, v);
  callback.searchParams.set('state', options.state);
  return { url: callback.toString(), port: server.port, result: server.result, close: server.close };
}
