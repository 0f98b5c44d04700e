/**
 * Signing in to an OAuth-protected MCP server from a test, in process, as `gagent mcp login` does
 * (loginToMcpServer over a real Store), with a stand-in browser that follows the authorization
 * link to our callback; and a client that uses the stored login the way a run does.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpAuthProvider } from '../../src/mcp/oauth/auth-provider.js';
import { type LoginResult, loginToMcpServer } from '../../src/mcp/oauth/login.js';
import type { Store } from '../../src/store/store.js';

export interface BrowserVisit {
  link: string;
  status: number;
  page: string;
}

/** A browser that opens the link and follows every redirect (to our callback). */
export function stubBrowser(): { visits: Promise<BrowserVisit>[]; open(link: string): Promise<boolean> } {
  const visits: Promise<BrowserVisit>[] = [];
  return {
    visits,
    open(link) {
      // Not awaited: the callback page answers only once the sign-in it completes has ended.
      visits.push(
        fetch(link).then(async (response) => ({
          link,
          status: response.status,
          page: await response.text(),
        })),
      );
      return Promise.resolve(true);
    },
  };
}

export async function addRemoteServer(
  store: Store,
  userId: string,
  name: string,
  url: string,
): Promise<void> {
  await store.mcpServers.put({ userId, name, transport: 'http', url });
}

export async function signIn(
  store: Store,
  server: { name: string; url: string; oauthCallbackPort?: number | null; oauthClientId?: string | null },
  options: { userId?: string; open?: (link: string) => Promise<boolean>; timeoutMs?: number } = {},
): Promise<LoginResult & { links: string[] }> {
  const links: string[] = [];
  const browser = stubBrowser();
  const result = await loginToMcpServer({
    store,
    userId: options.userId ?? 'alice',
    server: { ...server, transport: 'http' },
    fetch,
    timeoutMs: options.timeoutMs ?? 20_000,
    signal: new AbortController().signal,
    openLink: (link) => {
      links.push(link);
      return (options.open ?? browser.open)(link);
    },
    progress: () => {},
  });
  await Promise.all(browser.visits);
  return { ...result, links };
}

/** A client on the stored login, as a run's session would hold it. */
export async function connectWithStoredLogin(
  store: Store,
  server: { name: string; url: string },
  userId = 'alice',
): Promise<{ client: Client; close(): Promise<void> }> {
  const authProvider = await mcpAuthProvider({ store, userId, server, fetch });
  if (!authProvider) throw new Error(`no stored login for ${server.name}`);
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider, fetch });
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}
