/** The command's account manager: Composio through the command's HTTP stack. */
import { OAuthManager, type OAuthManagerOptions } from '../composio/oauth-manager.js';
import type { CommandContext } from './context.js';

export async function accountManager(
  ctx: CommandContext,
  options: OAuthManagerOptions = {},
): Promise<OAuthManager> {
  return new OAuthManager(ctx.config, await ctx.store(), { fetch: ctx.http.fetch, ...options });
}
