/**
 * gagent status: each provider's state. Composio is asked at most every 30 s per provider
 * (sync_state); with fresh state this makes no request and never loads the Composio SDK.
 */
import { KNOWN_PROVIDERS } from '../../composio/catalogue.js';
import { OAuthManager } from '../../composio/oauth-manager.js';
import { errorMessage, GagentError } from '../../errors.js';
import type { CommandHandler } from '../context.js';

function ago(iso: string | null, nowMs: number): string {
  if (!iso) return 'never checked';
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 60) return `checked ${seconds} s ago`;
  if (seconds < 3600) return `checked ${Math.round(seconds / 60)} min ago`;
  return `checked ${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export const statusCommand: CommandHandler = async (ctx, _args, options) => {
  const { config, output } = ctx;
  const store = ctx.store();
  const known = KNOWN_PROVIDERS.map((p) => p.provider);
  const providers = store.accounts.providerStates(config.user, known).map((s) => s.provider);
  const manager = new OAuthManager(config, store);
  const force = options.refresh === true;

  const outcomes = await Promise.all(
    providers.map((provider) =>
      manager.sync(config.user, provider, { force, signal: ctx.signal }).then(
        () => null,
        (err: unknown) => err,
      ),
    ),
  );
  const failures = outcomes.filter((e): e is unknown => e !== null);
  if (failures.length > 0) {
    // Asked to refresh: failing to is the answer. Otherwise show what the database knows.
    if (force) throw failures[0];
    const first = failures[0];
    const message = first instanceof GagentError ? first.message : errorMessage(first);
    output.warn(`could not check with Composio, showing the last known state: ${message}`);
  }

  const nowMs = Date.now();
  const states = store.accounts.providerStates(config.user, known).map((s) => ({
    provider: s.provider,
    status: s.status,
    authorized: manager.isAuthorized(config.user, s.provider),
    connectedAccountId: s.connectedAccountId,
    lastSyncedAt: s.lastSyncedAt,
  }));
  output.result({ user: config.user, providers: states }, () =>
    [
      `user ${config.user}`,
      ...states.map(
        (s) =>
          `  ${s.provider.padEnd(12)} ${s.status.padEnd(14)} ${(s.authorized ? 'authorized' : '').padEnd(11)} ${(s.connectedAccountId ?? '—').padEnd(16)} ${ago(s.lastSyncedAt, nowMs)}`,
      ),
    ].join('\n'),
  );
  return 0;
};
