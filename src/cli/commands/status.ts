/**
 * gagent status: each provider's state. Composio is asked at most every 30 s per provider
 * (sync_state); with fresh state this makes no request and never loads the Composio SDK. An
 * account the user connected elsewhere (another machine, the dashboard) is found and adopted.
 * A plain status never waits long: if Composio fails or is slow, it shows the last known state
 * with a warning; --refresh insists (on a disconnected provider too: is its account still at
 * Composio?), and its failure is the command's error (3 or 4).
 */
import { KNOWN_PROVIDERS } from '../../composio/catalogue.js';
import { errorMessage, GagentError, InterruptedError, UnreachableError } from '../../errors.js';
import { accountManager } from '../accounts.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

/** How long a plain status waits for Composio before showing what it knows. */
const BACKGROUND_CHECK_MS = 4_000;

function ago(iso: string | null, nowMs: number): string {
  if (!iso) return 'never checked';
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 60) return `checked ${seconds} s ago`;
  if (seconds < 3600) return `checked ${Math.round(seconds / 60)} min ago`;
  return `checked ${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export const statusCommand: CommandHandler<OptionsOf<'status'>> = async (ctx, _args, options) => {
  const { config, output } = ctx;
  const store = await ctx.store();
  const force = options.refresh ?? false;
  const known = KNOWN_PROVIDERS.map((p) => p.provider);
  const providers = (await store.accounts.providerStates(config.user, known)).map((s) => s.provider);
  const deadline = force ? undefined : AbortSignal.timeout(BACKGROUND_CHECK_MS);
  const signal = deadline ? AbortSignal.any([ctx.signal, deadline]) : ctx.signal;
  const manager = await accountManager(
    ctx,
    force ? {} : { maxRetries: 0, requestTimeoutMs: BACKGROUND_CHECK_MS },
  );

  const results = await Promise.allSettled(
    // --refresh asks about every provider, a disconnected one too (is its account still at
    // Composio?): a refresh that could not ask anything would be no refresh (exit 3 or 4).
    providers.map((provider) =>
      manager.sync(config.user, provider, { force, signal, includeDisconnected: force }),
    ),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    if (ctx.signal.aborted) throw new InterruptedError();
    const slow = deadline?.aborted
      ? new UnreachableError(`Composio did not answer within ${BACKGROUND_CHECK_MS / 1000} s.`)
      : undefined;
    // Asked to refresh: failing to is the answer. Otherwise show what the database knows.
    if (force) throw failures[0];
    const first = slow ?? failures[0];
    const message = first instanceof GagentError ? first.message : errorMessage(first);
    output.warn(`could not check with Composio, showing the last known state: ${message}`);
  }
  for (const result of results) {
    if (result.status !== 'fulfilled') continue;
    const { provider, adopted, stillActiveAtComposio } = result.value;
    if (adopted)
      output.info(
        `gagent: found ${provider} connected at Composio for ${config.user} (${adopted}); it is now set up here too.`,
      );
    if (stillActiveAtComposio)
      output.warn(
        `${provider} is disconnected here, but Composio still holds its account ${stillActiveAtComposio} ACTIVE (gagent connect ${provider} would reuse it); gagent disconnect ${provider} --revoke deletes it there.`,
      );
  }

  const nowMs = Date.now();
  const authorized = await store.accounts.authorizedProviders(config.user);
  const states = (await store.accounts.providerStates(config.user, known)).map((s) => ({
    provider: s.provider,
    status: s.status,
    authorized: authorized.has(s.provider),
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
