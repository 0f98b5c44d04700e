/**
 * Where the authorization server sends the browser back during `gagent mcp login`: the loopback
 * callback server with the OAuth answer's parameters (RFC 6749 §4.1.2: code, state, error,
 * error_description; RFC 9207: iss). Our random `state` is checked, a wrong one refused while it
 * keeps waiting, exactly one answer taken; the browser's page waits for the sign-in's outcome,
 * so it says "done" only once the code was exchanged.
 */
import { type CallbackAnswer, type CallbackPage, listenForCallback } from '../../composio/loopback-server.js';
import { CALLBACK_PATH, loopbackRedirect } from './stored-state.js';

export type OAuthCallback =
  | { kind: 'code'; code: string; iss: string | null }
  | { kind: 'error'; error: string; description: string | null };

export interface OAuthCallbackServer {
  /** The redirect URI: the port actually bound, so it is known before anything is registered. */
  redirectUrl: string;
  /** The one accepted answer. */
  result: Promise<OAuthCallback>;
  /** Shows the waiting browser how the sign-in ended (the first call wins). */
  finish(page: CallbackPage): void;
  close(): Promise<void>;
}

/** Parameters from outside are shown and stored bounded. */
const clip = (value: string | null): string | null => (value === null ? null : value.slice(0, 300));

export function answerOAuthCallback(
  params: URLSearchParams,
  state: string,
  accepted: boolean,
  outcomePage: Promise<CallbackPage>,
): CallbackAnswer<OAuthCallback> {
  if (params.get('state') !== state)
    return {
      page: {
        status: 400,
        title: 'Not for this sign-in',
        body: 'This link does not belong to the gagent sign-in that is waiting. Use the link gagent printed.',
      },
    };
  if (accepted)
    return {
      page: {
        status: 409,
        title: 'Already done',
        body: 'This sign-in already ended. You can close this window.',
      },
    };
  const error = params.get('error');
  if (error !== null)
    return {
      outcome: {
        kind: 'error',
        error: clip(error) ?? '',
        description: clip(params.get('error_description')),
      },
      page: {
        status: 200,
        title: 'Sign-in failed',
        body: 'The authorization server did not grant access. gagent says more where the sign-in was started.',
      },
    };
  const code = params.get('code');
  if (!code)
    return {
      page: {
        status: 400,
        title: 'Not finished yet',
        body: 'This page was opened without the authorization server’s answer. Finish signing in through the link gagent printed.',
      },
    };
  return { outcome: { kind: 'code', code, iss: clip(params.get('iss')) }, page: outcomePage };
}

export async function startOAuthCallback(options: {
  state: string;
  port: number;
}): Promise<OAuthCallbackServer> {
  let finish!: (page: CallbackPage) => void;
  const outcomePage = new Promise<CallbackPage>((resolve) => {
    finish = resolve;
  });
  const server = await listenForCallback<OAuthCallback>({
    bindHost: '127.0.0.1',
    port: options.port,
    path: CALLBACK_PATH,
    answer: (params, accepted) => answerOAuthCallback(params, options.state, accepted, outcomePage),
    portInUseHint:
      'Stop whatever uses it, or give another --callback-port (one the authorization server accepts as redirect URI).',
  });
  return {
    redirectUrl: loopbackRedirect(server.port),
    result: server.result,
    finish,
    close: async () => {
      finish({
        status: 200,
        title: 'Sign-in ended',
        body: 'gagent says more where the sign-in was started.',
      });
      await server.close();
    },
  };
}
