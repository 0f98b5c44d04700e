/** The command's account manager: Composio through the command's HTTP stack. */
import { OAuthManager, type OAuthManagerOptions } from '../composio/oauth-manager.js';
import type { CommandContext } from './context.js';

export function accountManager(ctx: CommandContext, options: OAuthManagerOptions = {}): OAuthManager {
  return new OAuthManager(ctx.config, ctx.store(), { fetch: ctx.http.fetch, ...options });
}
