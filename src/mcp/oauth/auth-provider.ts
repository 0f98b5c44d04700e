/**
 * The OAuth provider a session gives its transport for a remote server the user added: the
 * stored login in run mode (refreshed before expiry and on a 401, never an interactive sign-in).
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '../../http.js';
import type { Store } from '../../store/store.js';
import { StoredOAuthProvider } from './stored-provider.js';
import { loopbackRedirect, type OAuthServer, redirectUrisOf, storedClient } from './stored-state.js';

export interface McpAuthProviderOptions {
  store: Store;
  userId: string;
  server: OAuthServer;
  /** The command's proxy-aware fetch (the transport's own fetch is used for the SDK's requests). */
  fetch: FetchLike;
  /** Told every token and client secret the provider reads or saves (add them to the redactor). */
  onSecret?: (secret: string) => void;
}

/**
 * The provider for `server`, or undefined when the user never logged in to it (no OAuth state,
 * or state for another URL): such a server is reached without OAuth. When the provider cannot
 * go on without the user, the transport's request fails with mcpLoginRequired (exit 3).
 */
export async function mcpAuthProvider(
  options: McpAuthProviderOptions,
): Promise<OAuthClientProvider | undefined> {
  const { store, userId, server } = options;
  const row = await store.mcpServers.oauth(userId, server.name);
  if (!row || row.serverUrl !== server.url) return undefined;
  // The SDK treats a provider without a redirect URL as a machine-to-machine client; nothing is
  // ever redirected to this one in run mode.
  const redirectUrl = redirectUrisOf(storedClient(row))[0] ?? loopbackRedirect(server.oauthCallbackPort ?? 0);
  return new StoredOAuthProvider({ ...options, redirectUrl });
}
