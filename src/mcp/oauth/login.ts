/**
 * `gagent mcp login`: signing a user in to a remote MCP server as the MCP authorization spec
 * says, through the SDK's auth(): the server's 401 and WWW-Authenticate → protected resource
 * metadata (RFC 9728) → authorization server metadata (RFC 8414 / OpenID) → a client id (given,
 * stored, or dynamic registration, RFC 7591) → authorization code with PKCE S256 and `resource`
 * (RFC 8707) through our loopback callback → tokens, stored. Then the server is asked for its
 * tools with the stored login, as a run would.
 */
import { randomBytes } from 'node:crypto';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ExitCode, GagentError, InterruptedError, NotAuthorizedError } from '../../errors.js';
import type { FetchLike } from '../../http.js';
import type { Store } from '../../store/store.js';
import { mcpAuthProvider } from './auth-provider.js';
import { type OAuthCallback, startOAuthCallback } from './callback.js';
import {
  CLIENT_INFO,
  CONNECT_TIMEOUT_MS,
  type LoginServer,
  listToolNames,
  serverTransport,
} from './connection.js';
import { explainLoginError } from './login-errors.js';
import { StoredOAuthProvider } from './stored-provider.js';
import { mcpLoginStatus } from './stored-state.js';

export type { LoginServer } from './connection.js';

export interface LoginOptions {
  store: Store;
  userId: string;
  server: LoginServer;
  fetch: FetchLike;
  timeoutMs: number;
  signal: AbortSignal;
  /** Opens the link in a browser when it can; returns whether one was opened. */
  openLink(url: string): Promise<boolean>;
  progress(line: string): void;
  onSecret?: (secret: string) => void;
}

export interface LoginResult {
  /** False: the server answered without a login, so nothing was stored. */
  needed: boolean;
  issuer: string | null;
  expiresAt: string | null;
  tools: string[];
  /** Why the tools could not be listed after signing in (the login itself is stored). */
  toolProblem?: string;
}

/** Waits for the browser's answer, the timeout, or Ctrl+C. */
function waitForAnswer(options: LoginOptions, result: Promise<OAuthCallback>): Promise<OAuthCallback> {
  const { name } = options.server;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    const timer = setTimeout(
      () =>
        reject(
          new GagentError(
            `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the sign-in to the MCP server "${name}".`,
            ExitCode.Failure,
            `Open the link and finish signing in, or run gagent mcp login ${name} again (use --timeout for more time); if the sign-in page said the client is unknown, run gagent mcp logout ${name} first.`,
          ),
        ),
      options.timeoutMs,
    );
    options.signal.addEventListener('abort', onAbort, { once: true });
    result.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * The code from the answer, once it is known to come from the authorization server we asked:
 * RFC 9207's `iss` is compared where the answer carries it, and required where the server
 * promises it (a mix-up attack sends the browser back from another server).
 */
function acceptedCode(answer: OAuthCallback, provider: StoredOAuthProvider, name: string): string {
  if (answer.kind === 'error') {
    throw new NotAuthorizedError(
      `The authorization server refused the sign-in to the MCP server "${name}": ${answer.error}${answer.description ? ` (${answer.description})` : ''}.`,
      `Run gagent mcp login ${name} again.`,
    );
  }
  const metadata = provider.authorizationServer?.metadata as Record<string, unknown> | undefined;
  const expected = typeof metadata?.issuer === 'string' ? metadata.issuer : undefined;
  const promised = metadata?.authorization_response_iss_parameter_supported === true;
  if (answer.iss === null && promised) {
    throw new NotAuthorizedError(
      `The answer to the sign-in to the MCP server "${name}" does not name its authorization server, though ${expected} promises to; nothing was saved.`,
      `Run gagent mcp login ${name} again.`,
    );
  }
  if (answer.iss !== null && expected !== undefined && answer.iss !== expected) {
    throw new NotAuthorizedError(
      `The answer to the sign-in to the MCP server "${name}" came from "${answer.iss}", not from the authorization server gagent asked (${expected}); nothing was saved.`,
      `Someone may be steering you to another server. Run gagent mcp login ${name} again.`,
    );
  }
  return answer.code;
}

/** Signs the user in to `server` and stores the tokens; see the file comment. */
export async function loginToMcpServer(options: LoginOptions): Promise<LoginResult> {
  const { store, userId, server, fetch, signal } = options;
  const state = randomBytes(24).toString('base64url');
  // Bound before anything is registered, so the redirect URI names the port we really have.
  const callback = await startOAuthCallback({ state, port: server.oauthCallbackPort ?? 0 });
  try {
    const provider = new StoredOAuthProvider({
      store,
      userId,
      server,
      fetch,
      redirectUrl: callback.redirectUrl,
      login: { state },
      onSecret: options.onSecret,
    });
    const transport = serverTransport(server, provider, fetch);
    const probe = new Client(CLIENT_INFO);
    try {
      await probe.connect(transport, { signal, timeout: CONNECT_TIMEOUT_MS });
      await probe.close();
      const listed = await listToolNames({ server, fetch, signal }, undefined);
      return { needed: false, issuer: null, expiresAt: null, ...listed };
    } catch (err) {
      await probe.close().catch(() => {});
      if (!(err instanceof UnauthorizedError) || !provider.authorizationUrl)
        throw explainLoginError(err, server.name);
    }

    const link = provider.authorizationUrl.toString();
    const opened = await options.openLink(link);
    options.progress(
      opened
        ? `\nA browser window opened to sign in to "${server.name}". If it did not, open this link:\n\n  ${link}\n`
        : `\nOpen this link in a browser to sign in to "${server.name}":\n\n  ${link}\n`,
    );
    options.progress(
      `waiting for the sign-in (times out in ${Math.round(options.timeoutMs / 1000)} s; Ctrl+C cancels)`,
    );
    const answer = await waitForAnswer(options, callback.result);
    try {
      const code = acceptedCode(answer, provider, server.name);
      options.progress('authorized; exchanging the code for tokens');
      await transport.finishAuth(code);
    } catch (err) {
      callback.finish({
        status: 400,
        title: 'Sign-in failed',
        body: 'gagent could not complete the sign-in; the terminal says why.',
      });
      throw explainLoginError(err, server.name);
    }
    callback.finish({
      status: 200,
      title: 'Signed in',
      body: 'You can close this window and return to the terminal.',
    });

    const authProvider = await mcpAuthProvider({ store, userId, server, fetch, onSecret: options.onSecret });
    const listed = await listToolNames({ server, fetch, signal }, authProvider);
    const status = await mcpLoginStatus(store, userId, server);
    return { needed: true, issuer: status.issuer, expiresAt: status.expiresAt, ...listed };
  } finally {
    await callback.close();
  }
}
