/**
 * gagent connect <provider>: Composio hosted OAuth in six stages. The flow itself (stages 1–5)
 * is the ConnectFlow service; this command opens the browser, lists the tools the connection
 * brings (stage 6) and prints the result.
 */
import { providerInfo } from '../../composio/catalogue.js';
import { ConnectFlow } from '../../composio/connect-flow.js';
import { redactUrl } from '../../redact.js';
import { accountManager } from '../accounts.js';
import { openInBrowser, shouldOpenBrowser } from '../browser.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { decimalFlag } from '../number-flags.js';
import { rebuildRegistryAndListTools } from '../tools-after-connect.js';

function parseTimeoutSeconds(raw: unknown): number {
  return decimalFlag(raw, '--timeout', {
    min: 0,
    max: 3600,
    fallback: 300,
    what: 'seconds',
    exclusiveMin: true,
  });
}

export const connectCommand: CommandHandler<OptionsOf<'connect'>> = async (ctx, args, options) => {
  const info = providerInfo(args[0] ?? '');
  const timeoutMs = parseTimeoutSeconds(options.timeout) * 1000;
  const { config, output, signal } = ctx;
  const store = await ctx.store();
  // A remote MCP server the user added signs in with its own OAuth, not through Composio.
  const added = await store.mcpServers.get(config.user, args[0] ?? '');
  if (added && added.transport !== 'stdio') {
    const { loginAndReport } = await import('./mcp-login.js');
    return loginAndReport(ctx, added, { browser: options.browser !== false, timeout: options.timeout });
  }
  const manager = await accountManager(ctx, { notify: (line) => output.info(`  ${line}`) });
  const openLinks = options.browser !== false && shouldOpenBrowser(config);
  const flow = new ConnectFlow(config, store, manager, {
    progress: (line) => output.info(line.startsWith('\n') ? line : `  ${line}`),
    warn: (line) => output.warn(line),
    openLink: (url) =>
      openLinks
        ? openInBrowser(url, { browserCommand: config.browser, env: config.childEnv })
        : Promise.resolve(false),
  });

  output.info(`Connecting ${info.displayName} for user "${config.user}"`);
  try {
    const result = await flow.run(info, { timeoutMs, signal });
    if (result.kind === 'elsewhere') {
      output.info(
        `  ${info.displayName} was connected by another gagent process meanwhile; nothing more to do`,
      );
      output.result(
        {
          user: config.user,
          provider: info.provider,
          status: 'ACTIVE',
          connectedAccountId: result.connectedAccountId,
          connectedElsewhere: true,
        },
        () =>
          `Connected ${info.displayName} for ${config.user} (${result.connectedAccountId}), by another gagent process.`,
      );
      return 0;
    }
    const tools = await rebuildRegistryAndListTools(ctx, info.provider);
    output.info(`  6/6 ${tools.summary}`);
    output.result(
      {
        user: config.user,
        provider: info.provider,
        status: result.synced.status,
        connectedAccountId: result.account.id,
        authConfigId: result.authConfig.id,
        reusedExistingAccount: result.reused,
        mcpUrl: redactUrl(result.endpoint.url),
        tools: tools.actions,
        toolProblems: tools.problems,
      },
      () =>
        [
          `Connected ${info.displayName} for ${config.user} (${result.account.id}${result.reused ? ', an account Composio already held' : ''}).`,
          tools.actions.length > 0 ? `Tools now available: ${tools.actions.join(', ')}` : tools.summary,
        ].join('\n'),
    );
    return 0;
  } finally {
    await flow.close();
  }
};
