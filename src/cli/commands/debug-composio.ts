/** gagent debug redirect | composio-ping | auth-configs | connected-accounts: Composio as gagent sees it. */
import { composioBaseUrl } from '../../composio/base-url.js';
import { callbackAddress } from '../../composio/callback-server.js';
import { isCatalogued, KNOWN_PROVIDERS, providerInfo } from '../../composio/catalogue.js';
import { ComposioApi } from '../../composio/composio-api.js';
import { composioDebugLog } from '../../composio/debug-log.js';
import { composioHttpStatus } from '../../composio/errors.js';
import { NotAuthorizedError } from '../../errors.js';
import { accountManager } from '../accounts.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

function api(ctx: CommandContext, maxRetries?: number): Promise<ComposioApi> {
  return ComposioApi.connect({
    apiKey: ctx.config.composio.apiKey,
    baseUrl: ctx.config.composio.baseUrl,
    maxRetries,
    debugLog: composioDebugLog(ctx.config),
    fetch: ctx.http.fetch,
  });
}

function loopbackCallbackUrl(redirect: URL | undefined): string {
  const address = callbackAddress(redirect);
  return `http://${address.host}:${address.port || '<port chosen by the OS>'}${address.path}?state=<random per connect>`;
}

/**
 * What connect would do, without doing it: creating a real link would leave an INITIATED
 * account behind at Composio, so this shows the request connect would send instead.
 */
export const debugRedirectCommand: CommandHandler<OptionsOf<'debug redirect'>> = async (ctx, args) => {
  const info = providerInfo(args[0] ?? '');
  const { config } = ctx;
  // The same rules connect applies: a redirect connect would refuse is refused here too.
  const serverCallback = ctx.connectCallback?.().toString();
  const callbackUrl = serverCallback
    ? `${serverCallback}${serverCallback.includes('?') ? '&' : '?'}state=<random per connect>`
    : loopbackCallbackUrl(config.composio.redirect);
  const manager = await accountManager(ctx);
  const authConfig = await manager.findAuthConfig(info, ctx.signal);
  // Connect would refuse a toolkit Composio does not have; so does its preview.
  if (!authConfig && !isCatalogued(info)) await manager.requireToolkit(info, ctx.signal);
  const existing = authConfig
    ? await manager.activeAccountFor(config.user, authConfig.id, ctx.signal)
    : undefined;
  const base = composioBaseUrl(config.composio.baseUrl);
  const authConfigId = authConfig?.id ?? '<created by connect>';
  const report = {
    user: config.user,
    provider: info.provider,
    authConfigId: authConfig?.id ?? null,
    authConfigSource: config.composio.authConfigIds[info.provider]
      ? info.authConfigEnv
      : authConfig
        ? 'the enabled auth config for the toolkit'
        : 'none yet: connect would create a Composio-managed auth config',
    callbackUrl,
    linkRequest: {
      method: 'POST',
      url: `${base}/api/v3.1/connected_accounts/link`,
      body: { auth_config_id: authConfigId, user_id: config.user, callback_url: callbackUrl },
    },
    existingActiveAccount: existing?.id ?? null,
    mcp: config.composio.mcpServerId
      ? `provisioned MCP server ${config.composio.mcpServerId}`
      : 'per-user tool-router session',
  };
  ctx.output.result(report, () =>
    [
      `provider       ${info.provider} (auth config ${authConfigId}, from ${report.authConfigSource})`,
      `callback URL   ${callbackUrl}`,
      `link request   POST ${report.linkRequest.url}`,
      `               ${JSON.stringify(report.linkRequest.body)}`,
      existing
        ? `note           an ACTIVE account (${existing.id}) exists; connect would reuse it instead of creating a link`
        : 'note           nothing was created; connect creates the link when it runs',
      `MCP            ${report.mcp}`,
    ].join('\n'),
  );
  return 0;
};

/**
 * Reachability and key validity, with latency. A rejected key is an answer too: Composio is
 * reachable, the key is not valid (exit 3, the report printed all the same).
 */
export const debugComposioPingCommand: CommandHandler<OptionsOf<'debug composio-ping'>> = async (ctx) => {
  const client = await api(ctx, 0);
  const started = performance.now();
  let rejected: NotAuthorizedError | undefined;
  try {
    await client.listAuthConfigs(undefined, ctx.signal);
  } catch (err) {
    if (!(err instanceof NotAuthorizedError)) throw err;
    rejected = err;
  }
  const latencyMs = Math.round(performance.now() - started);
  const httpStatus = rejected ? (composioHttpStatus(rejected) ?? null) : null;
  const report = {
    baseUrl: client.baseUrl,
    reachable: true,
    keyValid: !rejected,
    latencyMs,
    ...(rejected ? { httpStatus } : {}),
  };
  ctx.output.result(report, () =>
    rejected
      ? `Composio at ${client.baseUrl}: reachable, key invalid (${httpStatus ? `HTTP ${httpStatus}, ` : ''}${latencyMs} ms).`
      : `Composio at ${client.baseUrl} is reachable and the API key is valid (${latencyMs} ms).`,
  );
  if (rejected) throw rejected;
  return 0;
};

export const debugAuthConfigsCommand: CommandHandler<OptionsOf<'debug auth-configs'>> = async (ctx, args) => {
  const toolkit = args[0] ? providerInfo(args[0]).toolkitSlug : undefined;
  const configs = await (await api(ctx)).listAuthConfigs(toolkit, ctx.signal);
  const pinned = ctx.config.composio.authConfigIds;
  const rows = configs.map((c) => ({
    ...c,
    pinnedBy: Object.keys(pinned).find((p) => pinned[p] === c.id) ?? null,
  }));
  ctx.output.result({ authConfigs: rows }, () =>
    rows.length === 0
      ? `No auth configs${toolkit ? ` for ${toolkit}` : ''}. gagent connect creates a Composio-managed one when none exists.`
      : rows
          .map(
            (c) =>
              `${c.id.padEnd(20)} ${c.toolkit.padEnd(12)} ${c.status.padEnd(9)} ${(c.authScheme ?? '').padEnd(10)} ${c.managed ? 'composio-managed' : 'custom'}${c.pinnedBy ? `  (pinned for ${c.pinnedBy})` : ''}`,
          )
          .join('\n'),
  );
  return 0;
};

export const debugConnectedAccountsCommand: CommandHandler<OptionsOf<'debug connected-accounts'>> = async (
  ctx,
) => {
  const { config } = ctx;
  const store = await ctx.store();
  const remote = await (await api(ctx)).listAccounts({ userIds: [config.user] }, ctx.signal);
  const local = await store.accounts.providerStates(
    config.user,
    KNOWN_PROVIDERS.map((p) => p.provider),
  );
  const report = {
    user: config.user,
    composio: remote.map((a) => ({
      id: a.id,
      toolkit: a.toolkit,
      authConfigId: a.authConfigId,
      status: a.status,
      statusReason: a.statusReason,
    })),
    database: local.map((s) => ({
      provider: s.provider,
      status: s.status,
      connectedAccountId: s.connectedAccountId,
      authConfigId: s.authConfigId,
      lastSyncedAt: s.lastSyncedAt,
    })),
  };
  ctx.output.result(report, () =>
    [
      `Composio's accounts for ${config.user}:`,
      ...(remote.length === 0
        ? ['  (none)']
        : remote.map(
            (a) =>
              `  ${a.id.padEnd(18)} ${a.toolkit.padEnd(10)} ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`,
          )),
      "The database's view:",
      ...local.map((s) => `  ${s.provider.padEnd(12)} ${s.status.padEnd(14)} ${s.connectedAccountId ?? '—'}`),
    ].join('\n'),
  );
  return 0;
};
