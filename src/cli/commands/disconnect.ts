/**
 * gagent disconnect <provider> [--revoke]: unauthorized at once, locally; --revoke also deletes the
 * account at Composio. A revoke that fails leaves the local part done and says so, with the exit
 * code of Composio's failure (4 when it cannot be reached) and the command that retries it.
 */
import type { ProviderInfo } from '../../composio/catalogue.js';
import { providerInfo } from '../../composio/catalogue.js';
import { GagentError } from '../../errors.js';
import { accountManager } from '../accounts.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

function revokeFailed(info: ProviderInfo, accountId: string, cause: GagentError, retry: string): GagentError {
  return new GagentError(
    `${info.displayName} was disconnected here, but its account ${accountId} is still active at Composio: ${cause.message.replace(/\.$/, '')}`,
    cause.exitCode,
    `${cause.hint ? `${cause.hint} ` : ''}Then run ${retry} again to delete it there.`,
    { cause },
  );
}

export const disconnectCommand: CommandHandler<OptionsOf<'disconnect'>> = async (ctx, args, options) => {
  const info = providerInfo(args[0] ?? '');
  const { config, output } = ctx;
  const manager = await accountManager(ctx);
  const result = await manager.disconnect(config.user, info.provider, {
    revoke: options.revoke ?? false,
    signal: ctx.signal,
  });
  const retry = `gagent disconnect ${info.provider} --revoke`;
  const failure =
    result.revokeError && result.connectedAccountId
      ? revokeFailed(info, result.connectedAccountId, result.revokeError, retry)
      : undefined;
  output.result(
    {
      user: config.user,
      provider: info.provider,
      status: result.connectedAccountId ? 'DISCONNECTED' : 'NOT_CONNECTED',
      connectedAccountId: result.connectedAccountId,
      revoked: result.revoked,
      ...(failure ? { revokeError: result.revokeError?.message, retry } : {}),
    },
    () =>
      result.connectedAccountId
        ? `Disconnected ${info.displayName} for ${config.user} (${result.connectedAccountId})${result.revoked ? '; the account was also deleted at Composio' : ''}. Its tools are no longer available.${failure ? ' The account is still active at Composio: the revoke failed.' : ''}`
        : `${info.displayName} was not connected for ${config.user}; nothing to do.`,
  );
  // The document above says what was done; the failure is the command's error (stderr, exit code).
  if (failure) throw failure;
  return 0;
};
