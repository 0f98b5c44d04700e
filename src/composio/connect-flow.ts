/**
 * The connect flow's first five stages (ARCHITECTURE.md, Connect), as a service any front end can drive (the CLI
 * today, the HTTP server later): (1) a loopback callback server with a random state, recorded so
 * a crash can be resumed; (2) Composio's link, opened for the user; (3) the callback or polling,
 * whichever comes first, or another gagent process finishing the same connect; (4) finalize in
 * one transaction; (5) a forced sync. Listing the tools it brings (stage 6) needs the MCP layer,
 * which sits above this one, so the caller does it.
 *
 * An authorization this connect created and then abandoned (timeout, Ctrl+C, another process
 * won) is deleted at Composio, best effort, so no INITIATED account is left behind.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { errorMessage, GagentError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { SyncOutcome } from './account-sync.js';
import { type CallbackServer, startCallbackServer } from './callback-server.js';
import type { ProviderInfo } from './catalogue.js';
import { isNotFound } from './errors.js';
import type { OAuthManager } from './oauth-manager.js';
import type { McpEndpoint, RemoteAccount, RemoteAuthConfig } from './remote-shapes.js';

const LINK_LIFETIME_MS = 10 * 60_000;
const WATCH_INTERVAL_MS = 500;
const CLEANUP_TIMEOUT_MS = 5_000;

export interface ConnectIo {
  /** A progress line (the stages). */
  progress(line: string): void;
  /** Something the user should know that is not an error. */
  warn(line: string): void;
  /** Shows the link: opens it in a browser when it can; returns whether a browser was opened. */
  openLink(url: string): Promise<boolean>;
  /**
   * Where Composio sends the browser back for `state`: by default a loopback server of this
   * process (COMPOSIO_REDIRECT or a free port); `gagent serve` answers on its own route instead.
   */
  callback?(state: string): Promise<CallbackServer>;
}

export type ConnectResult =
  | {
      kind: 'connected';
      account: RemoteAccount;
      authConfig: RemoteAuthConfig;
      endpoint: McpEndpoint;
      synced: SyncOutcome;
      /** Composio already held an ACTIVE account for this user and toolkit; it was reused (said as a warning). */
      reused: boolean;
    }
  /** Another gagent process finished connecting this provider while we waited. */
  | { kind: 'elsewhere'; connectedAccountId: string };

interface Authorized {
  authConfig: RemoteAuthConfig;
  account: RemoteAccount;
  /** The oauth_pending row to delete once finalized. */
  pendingState?: string;
  reused?: boolean;
}

export class ConnectFlow {
  /** Open until the caller finishes, so a browser still on its way to it gets its page. */
  private callback: CallbackServer | null = null;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly manager: OAuthManager,
    private readonly io: ConnectIo,
  ) {}

  async run(info: ProviderInfo, options: { timeoutMs: number; signal: AbortSignal }): Promise<ConnectResult> {
    const { signal } = options;
    await this.store.pending.deleteExpired(new Date().toISOString());
    const authorized = (await this.resumePending(info, signal)) ?? (await this.authorize(info, options));
    if ('connectedAccountId' in authorized) return { kind: 'elsewhere', ...authorized };
    signal.throwIfAborted();

    this.io.progress('4/6 authorized; saving the connection');
    const endpoint = await this.manager.finalize(
      this.config.user,
      info,
      authorized.authConfig,
      authorized.account,
      signal,
    );
    if (authorized.pendingState) await this.store.pending.delete(authorized.pendingState);
    const synced = await this.manager.sync(this.config.user, info.provider, { force: true, signal });
    this.io.progress(`5/6 synced with Composio: ${synced.status}`);
    return {
      kind: 'connected',
      account: authorized.account,
      authConfig: authorized.authConfig,
      endpoint,
      synced,
      reused: authorized.reused === true,
    };
  }

  /** Closes the callback server (after the caller's last stage). */
  async close(): Promise<void> {
    await this.callback?.close();
    this.callback = null;
  }

  /** A connect that crashed after the link: if its account became ACTIVE, finish it. */
  private async resumePending(info: ProviderInfo, signal: AbortSignal): Promise<Authorized | null> {
    const pending = await this.store.pending.findResumable(
      this.config.user,
      info.provider,
      new Date().toISOString(),
    );
    if (!pending?.connectedAccountId || !pending.authConfigId) return null;
    try {
      const account = await this.manager.account(pending.connectedAccountId, signal);
      if (account.status !== 'ACTIVE') return null;
      this.io.progress(`resuming an earlier connect: ${account.id} is authorized`);
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
        await this.store.pending.delete(pending.state);
        return null;
      }
      throw err;
    }
  }

  private async authorize(
    info: ProviderInfo,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<Authorized | { connectedAccountId: string }> {
    const { config, store, manager, io } = this;
    const { signal } = options;
    const authConfig = await manager.resolveAuthConfig(info, signal);
    const existing = await manager.activeAccountFor(config.user, authConfig.id, signal);
    if (existing) {
      io.warn(await this.reuseNotice(info, existing.id));
      return { authConfig, account: existing, reused: true };
    }

    const state = randomBytes(24).toString('base64url');
    const callback = io.callback
      ? await io.callback(state)
      : await startCallbackServer({ state, redirect: config.composio.redirect });
    this.callback = callback;
    let linkedAccount: string | null = null;
    try {
      io.progress(`1/6 callback server listening on ${callback.url.replace(/state=[^&]+/, 'state=…')}`);
      await store.pending.create({
        state,
        userId: config.user,
        provider: info.provider,
        authConfigId: authConfig.id,
        callbackUrl: callback.url,
        expiresAt: new Date(Date.now() + LINK_LIFETIME_MS).toISOString(),
      });
      const link = await manager.link(config.user, authConfig.id, callback.url, signal);
      linkedAccount = link.connectedAccountId;
      // Persisted at once: a crash from here on can be resumed.
      await store.pending.attachAccount(state, link.connectedAccountId, link.redirectUrl);
      io.progress(`2/6 authorization link created (${link.connectedAccountId})`);

      const opened = await io.openLink(link.redirectUrl);
      io.progress(
        opened
          ? `\nA browser window opened to authorize ${info.displayName}. If it did not, open this link:\n\n  ${link.redirectUrl}\n`
          : `\nOpen this link in a browser to authorize ${info.displayName}:\n\n  ${link.redirectUrl}\n`,
      );
      io.progress(
        `3/6 waiting for the authorization (times out in ${Math.round(options.timeoutMs / 1000)} s; Ctrl+C cancels)`,
      );
      const outcome = await this.waitForAuthorization(info, link.connectedAccountId, callback, options);
      if ('connectedAccountId' in outcome) {
        await this.abandon(state, link.connectedAccountId);
        await this.close();
      } else {
        linkedAccount = null; // ours, and authorized: kept
      }
      return 'connectedAccountId' in outcome
        ? outcome
        : { authConfig, account: outcome, pendingState: state };
    } catch (err) {
      if (linkedAccount) await this.abandon(state, linkedAccount);
      await this.close();
      throw err;
    }
  }

  /**
   * Reusing an account Composio still holds is said plainly, above all one the user disconnected
   * here (perhaps meaning to delete it, with a revoke that failed): no sign-in happens this time.
   */
  private async reuseNotice(info: ProviderInfo, accountId: string): Promise<string> {
    const local = await this.store.accounts.providerState(this.config.user, info.provider);
    const disconnectedHere = local.status === 'DISCONNECTED' && local.connectedAccountId === accountId;
    return [
      `${info.displayName} is already authorized at Composio for ${this.config.user}`,
      disconnectedHere
        ? `: its account ${accountId} was disconnected here but never deleted there. Reusing it, without a new sign-in`
        : ` (${accountId}); reusing it, without a new sign-in`,
      `; to sign in afresh instead, run gagent disconnect ${info.provider} --revoke, then connect again.`,
    ].join('');
  }

  /** Whichever comes first: our link authorized (callback or polling), or another gagent process connecting it. */
  private async waitForAuthorization(
    info: ProviderInfo,
    accountId: string,
    callback: CallbackServer,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<RemoteAccount | { connectedAccountId: string }> {
    const stop = new AbortController();
    const waiting = AbortSignal.any([options.signal, stop.signal]);
    const since = new Date().toISOString();
    try {
      return await Promise.race([
        this.manager.waitUntilActive(info, accountId, {
          timeoutMs: options.timeoutMs,
          signal: waiting,
          wake: callback.result,
        }),
        this.watchForOtherConnect(info.provider, since, waiting),
      ]);
    } finally {
      stop.abort();
    }
  }

  /** Resolves when the database shows (user, provider) ACTIVE with a change made after `since`. */
  private watchForOtherConnect(
    provider: string,
    since: string,
    signal: AbortSignal,
  ): Promise<{ connectedAccountId: string }> {
    return new Promise((resolve) => {
      const timer = setInterval(async () => {
        const state = await this.store.accounts.providerState(this.config.user, provider).catch(() => null);
        if (
          state?.status === 'ACTIVE' &&
          state.connectedAccountId &&
          state.updatedAt &&
          state.updatedAt > since &&
          !signal.aborted
        ) {
          clearInterval(timer);
          resolve({ connectedAccountId: state.connectedAccountId });
        }
      }, WATCH_INTERVAL_MS);
      signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    });
  }

  /** Deletes an authorization this connect created and will not finish (best effort, said when it fails). */
  private async abandon(state: string, accountId: string): Promise<void> {
    await this.store.pending.delete(state).catch(() => {});
    try {
      await this.manager.deleteAccount(accountId, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    } catch (err) {
      if (isNotFound(err)) return;
      const why = err instanceof GagentError ? err.message : errorMessage(err);
      this.io.warn(
        `the unfinished authorization ${accountId} could not be deleted at Composio (${why}); it expires there on its own.`,
      );
    }
  }
}
