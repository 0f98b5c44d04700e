/** gagent disconnect <provider> [--revoke]: unauthorized at once, locally; --revoke also deletes the account at Composio. */
import { providerInfo } from '../../composio/catalogue.js';
import { accountManager } from '../accounts.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

export const disconnectCommand: CommandHandler<OptionsOf<'disconnect'>> = async (ctx, args, options) => {
  const info = providerInfo(args[0] ?? '');
  const { config, output } = ctx;
  const manager = await accountManager(ctx);
  const result = await manager.disconnect(config.user, info.provider, {
    revoke: options.revoke ?? false,
    signal: ctx.signal,
  });
  output.result(
    {
      user: config.user,
      provider: info.provider,
      status: result.connectedAccountId ? 'DISCONNECTED' : 'NOT_CONNECTED',
      connectedAccountId: result.connectedAccountId,
      revoked: result.revoked,
    },
    () =>
      result.connectedAccountId
        ? `Disconnected ${info.displayName} for ${config.user} (${result.connectedAccountId})${result.revoked ? '; the account was also deleted at Composio' : ''}. Its tools are no longer available.`
        : `${info.displayName} was not connected for ${config.user}; nothing to do.`,
  );
  return 0;
};
