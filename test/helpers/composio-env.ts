/** One fake Composio + fake Gmail/Slack MCP servers, and the environment that points a gagent subprocess at them. */
import { type FakeComposio, startFakeComposio } from '../fakes/composio/server.js';
import { type FakeGmail, type FakeSlack, startFakeGmail, startFakeSlack } from '../fakes/mcp/providers.js';
import { cliEnv, tempHome } from './cli.js';

export const TEST_API_KEY = 'ak_e2e_SECRET_4f2b9c7d1e';

export interface ComposioWorld {
  composio: FakeComposio;
  gmail: FakeGmail;
  slack: FakeSlack;
  home: string;
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startComposioWorld(): Promise<ComposioWorld> {
  const gmail = await startFakeGmail();
  const slack = await startFakeSlack();
  const composio = await startFakeComposio({
    apiKey: TEST_API_KEY,
    mcpUpstreams: { gmail: gmail.url, slack: slack.url },
  });
  const home = tempHome();
  return {
    composio,
    gmail,
    slack,
    home,
    env: (extra = {}) =>
      cliEnv(home, { COMPOSIO_API_KEY: TEST_API_KEY, COMPOSIO_BASE_URL: composio.baseUrl, ...extra }),
    close: async () => {
      await composio.close();
      await gmail.close();
      await slack.close();
    },
  };
}
