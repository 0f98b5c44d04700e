/**
 * gagent mcp login <name> / mcp logout <name>: signing in to a remote MCP server the user added
 * (the MCP authorization spec's OAuth, src/mcp/oauth), and forgetting that login. `gagent connect
 * <name>` of such a server comes here too. Tokens are never printed: the redactor learns each one.
 */
import { NotFoundError, UsageError } from '../../errors.js';
import { loginToMcpServer } from '../../mcp/oauth/login.js';
import { redactUrl } from '../../redact.js';
import type { McpServerRow } from '../../store/mcp-servers.js';
import { openInBrowser, shouldOpenBrowser } from '../browser.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { decimalFlag, wholeNumberFlag } from '../number-flags.js';

export interface LoginChoices {
  browser: boolean;
  timeout?: string;
  clientId?: string | null;
  callbackPort?: number | null;
}

/** The user's added server of that name; only a remote one signs in. */
async function addedServer(ctx: CommandContext, name: string): Promise<McpServerRow> {
  const store = await ctx.store();
  const row = await store.mcpServers.get(ctx.config.user, name);
  if (!row) {
    throw new NotFoundError(
      `User "${ctx.config.user}" has no MCP server named "${name}".`,
      'Add it with gagent mcp add, or see gagent mcp list.',
    );
  }
  return row;
}

function remoteUrl(row: McpServerRow): string {
  if (row.transport === 'stdio' || !row.url) {
    throw new UsageError(
      `The MCP server "${row.name}" is a program on this machine (stdio); only a remote server has a login.`,
    );
  }
  return row.url;
}

function clientIdFlag(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // A client id goes into URLs and forms; anything unprintable is a typo or worse.
  if (!/^[\x21-\x7e]{1,255}$/.test(raw))
    throw new UsageError('--client-id must be 1 to 255 printable characters without spaces.');
  return raw;
}

/** Signs the user in to an added remote server and prints the outcome (mcp login, connect). */
export async function loginAndReport(
  ctx: CommandContext,
  row: McpServerRow,
  choices: LoginChoices,
): Promise<number> {
  const { config, output, signal } = ctx;
  const url = remoteUrl(row);
  const timeoutMs =
    decimalFlag(choices.timeout, '--timeout', {
      min: 0,
      max: 3600,
      fallback: 300,
      what: 'seconds',
      exclusiveMin: true,
    }) * 1000;
  const clientId = choices.clientId !== undefined ? choices.clientId : row.oauthClientId;
  const callbackPort = choices.callbackPort !== undefined ? choices.callbackPort : row.oauthCallbackPort;
  const store = await ctx.store();
  const openLinks = choices.browser && shouldOpenBrowser(config);

  output.info(`Signing in to the MCP server "${row.name}" (${redactUrl(url)}) for user "${config.user}"`);
  const result = await loginToMcpServer({
    store,
    userId: config.user,
    server: {
      name: row.name,
      url,
      transport: row.transport,
      headers: row.headers,
      oauthClientId: clientId,
      oauthCallbackPort: callbackPort,
    },
    fetch: ctx.http.fetch,
    timeoutMs,
    signal,
    openLink: (link) =>
      openLinks
        ? openInBrowser(link, { browserCommand: config.browser, env: config.childEnv })
        : Promise.resolve(false),
    progress: (line) => output.info(line.startsWith('\n') ? line : `  ${line}`),
    onSecret: (secret) => ctx.redactor.add(secret),
  });
  // A client id and port that worked are kept for the next login and for every refresh.
  if (result.needed && (clientId !== row.oauthClientId || callbackPort !== row.oauthCallbackPort)) {
    await store.mcpServers.put({ ...row, oauthClientId: clientId, oauthCallbackPort: callbackPort });
  }
  if (result.toolProblem) output.warn(result.toolProblem);
  output.result(
    {
      user: config.user,
      server: row.name,
      url: redactUrl(url),
      loggedIn: result.needed,
      loginNeeded: result.needed,
      issuer: result.issuer,
      expiresAt: result.expiresAt,
      tools: result.tools,
      toolProblem: result.toolProblem ?? null,
    },
    () =>
      [
        result.needed
          ? `Logged in to "${row.name}" for ${config.user}${result.expiresAt ? `; the access token expires at ${result.expiresAt} and is renewed as needed` : ''}.`
          : `The MCP server "${row.name}" answered without a login; nothing was stored.`,
        result.tools.length > 0 ? `Tools available: ${result.tools.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  );
  return 0;
}

export const mcpLoginCommand: CommandHandler<OptionsOf<'mcp login'>> = async (ctx, args, options) => {
  const callbackPort =
    options.callbackPort === undefined
      ? undefined
      : wholeNumberFlag(options.callbackPort, '--callback-port', { min: 1, max: 65535, fallback: 0 });
  const clientId = clientIdFlag(options.clientId);
  const row = await addedServer(ctx, args[0] ?? '');
  return loginAndReport(ctx, row, {
    browser: options.browser !== false,
    timeout: options.timeout,
    clientId,
    callbackPort,
  });
};

export const mcpLogoutCommand: CommandHandler<OptionsOf<'mcp logout'>> = async (ctx, args) => {
  const { config, output } = ctx;
  const row = await addedServer(ctx, args[0] ?? '');
  const store = await ctx.store();
  const forgot = await store.mcpServers.clearOauth(config.user, row.name);
  output.result({ user: config.user, server: row.name, loggedOut: forgot }, () =>
    forgot
      ? `Logged out of "${row.name}" for ${config.user}: its tokens and client registration are forgotten.`
      : `${config.user} was not logged in to "${row.name}"; nothing to forget.`,
  );
  return 0;
};
