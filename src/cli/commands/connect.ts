/**
 * gagent connect <provider>: Composio hosted OAuth in six stages (DESIGN §5). The callback
 * and polling race, so it completes with or without a browser on this machine (SSH-friendly).
 */
import { randomBytes } from 'node:crypto';
import { type CallbackServer, startCallbackServer } from '../../composio/callback-server.js';
import { type ProviderInfo, providerInfo } from '../../composio/catalogue.js';
import type { RemoteAccount, RemoteAuthConfig } from '../../composio/composio-api.js';
import { isNotFound } from '../../composio/errors.js';
import { OAuthManager } from '../../composio/oauth-manager.js';
import { UsageError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import { openInBrowser, shouldOpenBrowser } from '../browser.js';
import { type CommandContext, type CommandHandler, throwIfAborted } from '../context.js';
import { rebuildRegistryAndListTools } from '../tools-after-connect.js';

const LINK_LIFETIME_MS = 10 * 60_000;

function parseTimeoutSeconds(raw: unknown): number {
  const seconds = Number(raw ?? 300);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--timeout must be a number of seconds between 0 and 3600, got "${String(raw)}".`);
  }
  return seconds;
}

interface Authorized {
  authConfig: RemoteAuthConfig;
  account: RemoteAccount;
  /** The oauth_pending row to delete once finalized. */
  pendingState?: string;
  /** Open until the command ends, so a browser still on its way to it gets its page. */
  callback?: CallbackServer;
}

/** Another gagent process finished connecting this provider while we waited. */
interface ConnectedElsewhere {
  elsewhere: true;
  connectedAccountId: string;
}

const WATCH_INTERVAL_MS = 500;

/** Resolves when the database shows (user, provider) ACTIVE with a change made after `since`. */
function watchForOtherConnect(
  ctx: CommandContext,
  provider: string,
  since: string,
  signal: AbortSignal,
): Promise<ConnectedElsewhere> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const state = ctx.store().accounts.providerState(ctx.config.user, provider);
      if (
        state.status === 'ACTIVE' &&
        state.connectedAccountId &&
        state.updatedAt &&
        state.updatedAt > since
      ) {
        clearInterval(timer);
        resolve({ elsewhere: true, connectedAccountId: state.connectedAccountId });
      }
    }, WATCH_INTERVAL_MS);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  });
}

/** A connect that crashed after the link: if its account became ACTIVE, finish it. */
async function resumePending(
  ctx: CommandContext,
  manager: OAuthManager,
  info: ProviderInfo,
): Promise<Authorized | null> {
  const store = ctx.store();
  const pending = store.pending.findResumable(ctx.config.user, info.provider, new Date().toISOString());
  if (!pending?.connectedAccountId || !pending.authConfigId) return null;
  try {
    const account = await manager.account(pending.connectedAccountId, ctx.signal);
    if (account.status !== 'ACTIVE') return null;
    ctx.output.info(`  resuming an earlier connect: ${account.id} is authorized`);
    const authConfig: RemoteAuthConfig = {
      id: pending.authConfigId,
      toolkit: info.toolkitSlug,
      status: 'ENABLED',
      authScheme: null,
      managed: false,
    };
    return { authConfig, account, pendingState: pending.state };
  } catch (err) {
    if (isNotFound(err)) {
      store.pending.delete(pending.state);
      return null;
    }
    throw err;
  }
}

async function authorize(
  ctx: CommandContext,
  manager: OAuthManager,
  info: ProviderInfo,
  timeoutMs: number,
  noBrowser: boolean,
): Promise<Authorized | ConnectedElsewhere> {
  const { config, output, signal } = ctx;
  const store = ctx.store();
  const authConfig = await manager.resolveAuthConfig(info, signal);
  const existing = await manager.activeAccountFor(config.user, authConfig.id, signal);
  if (existing) {
    output.info(
      `  ${info.displayName} is already authorized at Composio for this user (${existing.id}); reusing it`,
    );
    return { authConfig, account: existing };
  }

  const state = randomBytes(24).toString('base64url');
  const callback = await startCallbackServer({ state, redirect: config.composio.redirect });
  try {
    output.info(`  1/6 callback server listening on ${callback.url.replace(/state=[^&]+/, 'state=…')}`);
    store.pending.create({
      state,
      userId: config.user,
      provider: info.provider,
      authConfigId: authConfig.id,
      callbackUrl: callback.url,
      expiresAt: new Date(Date.now() + LINK_LIFETIME_MS).toISOString(),
    });
    const link = await manager.link(config.user, authConfig.id, callback.url, signal);
    // Persisted at once: a crash from here on can be resumed.
    store.pending.attachAccount(state, link.connectedAccountId, link.redirectUrl);
    output.info(`  2/6 authorization link created (${link.connectedAccountId})`);
    if (!link.redirectUrl)
      throw new UsageError(`Composio returned no authorization link for ${info.displayName}.`);

    const opened =
      !noBrowser &&
      shouldOpenBrowser(config) &&
      (await openInBrowser(link.redirectUrl, { browserCommand: config.browser, env: config.childEnv }));
    output.info(
      opened
        ? `\nA browser window opened to authorize ${info.displayName}. If it did not, open this link:\n\n  ${link.redirectUrl}\n`
        : `\nOpen this link in a browser to authorize ${info.displayName}:\n\n  ${link.redirectUrl}\n`,
    );
    output.info(
      `  3/6 waiting for the authorization (times out in ${Math.round(timeoutMs / 1000)} s; Ctrl+C cancels)`,
    );
    // Whichever comes first: our own link authorized, or another gagent process connecting it.
    const stop = new AbortController();
    const waiting = AbortSignal.any([signal, stop.signal]);
    const since = new Date().toISOString();
    try {
      const outcome = await Promise.race([
        manager.waitUntilActive(info, link.connectedAccountId, {
          timeoutMs,
          signal: waiting,
          wake: callback.result,
        }),
        watchForOtherConnect(ctx, info.provider, since, waiting),
      ]);
      if ('elsewhere' in outcome) {
        store.pending.delete(state);
        await callback.close();
        return outcome;
      }
      // Left open: polling may see the account ACTIVE just before the browser reaches the callback.
      return { authConfig, account: outcome, pendingState: state, callback };
    } finally {
      stop.abort();
    }
  } catch (err) {
    await callback.close();
    throw err;
  }
}

export const connectCommand: CommandHandler = async (ctx, args, options) => {
  const info = providerInfo(args[0] ?? '');
  const timeoutMs = parseTimeoutSeconds(options.timeout) * 1000;
  const { config, output, signal } = ctx;
  const store = ctx.store();
  const manager = new OAuthManager(config, store, { notify: (line) => output.info(`  ${line}`) });

  output.info(`Connecting ${info.displayName} for user "${config.user}"`);
  store.pending.deleteExpired(new Date().toISOString());
  const authorized =
    (await resumePending(ctx, manager, info)) ??
    (await authorize(ctx, manager, info, timeoutMs, options.browser === false));
  throwIfAborted(signal);
  if ('elsewhere' in authorized) {
    output.info(
      `  ${info.displayName} was connected by another gagent process meanwhile; nothing more to do`,
    );
    output.result(
      {
        user: config.user,
        provider: info.provider,
        status: 'ACTIVE',
        connectedAccountId: authorized.connectedAccountId,
        connectedElsewhere: true,
      },
      () =>
        `Connected ${info.displayName} for ${config.user} (${authorized.connectedAccountId}), by another gagent process.`,
    );
    return 0;
  }

  try {
    return await finishConnect(ctx, manager, info, authorized);
  } finally {
    await authorized.callback?.close();
  }
};

/** Stages 4–6: save the connection, sync it, and list the tools it brings. */
async function finishConnect(
  ctx: CommandContext,
  manager: OAuthManager,
  info: ProviderInfo,
  authorized: Authorized,
): Promise<number> {
  const { config, output, signal } = ctx;
  const store = ctx.store();
  output.info('  4/6 authorized; saving the connection');
  const endpoint = await manager.finalize(
    config.user,
    info,
    authorized.authConfig,
    authorized.account,
    signal,
  );
  if (authorized.pendingState) store.pending.delete(authorized.pendingState);

  const synced = await manager.sync(config.user, info.provider, { force: true, signal });
  output.info(`  5/6 synced with Composio: ${synced.status}`);

  const tools = await rebuildRegistryAndListTools(ctx, info.provider);
  output.info(`  6/6 ${tools.summary}`);

  output.result(
    {
      user: config.user,
      provider: info.provider,
      status: synced.status,
      connectedAccountId: authorized.account.id,
      authConfigId: authorized.authConfig.id,
      mcpUrl: redactUrl(endpoint.url),
      tools: tools.actions,
      toolProblems: tools.problems,
    },
    () =>
      [
        `Connected ${info.displayName} for ${config.user} (${authorized.account.id}).`,
        tools.actions.length > 0 ? `Tools now available: ${tools.actions.join(', ')}` : tools.summary,
      ].join('\n'),
  );
  return 0;
}
