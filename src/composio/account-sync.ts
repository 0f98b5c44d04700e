/**
 * Syncing one (user, provider) with Composio, the source of truth: at most every 30 s (the
 * freshness lives in sync_state, as every gagent process is short-lived), adopting an account
 * made elsewhere, and never re-authorizing a provider the user disconnected.
 */
import type { AccountStatus } from '../domain/accounts.js';
import type { Store } from '../store/store.js';
import { isFresh } from '../store/sync.js';
import { providerInfo } from './catalogue.js';
import { isNotFound } from './errors.js';
import type { OAuthManager } from './oauth-manager.js';
import type { RemoteAccount } from './remote-shapes.js';

export const SYNC_MAX_AGE_MS = 30_000;

export interface SyncOutcome {
  provider: string;
  status: AccountStatus;
  /** True when sync_state was fresh and Composio was not asked. */
  skipped: boolean;
  /** An ACTIVE account made elsewhere (another machine, the dashboard) was adopted by this sync. */
  adopted?: string;
  /** Disconnected here, yet Composio still holds this account ACTIVE (never revoked, or the revoke failed). */
  stillActiveAtComposio?: string;
}

export interface SyncOptions {
  force?: boolean;
  signal?: AbortSignal;
  /** With force: ask about a provider disconnected here too (what Composio holds; never re-authorizes). */
  includeDisconnected?: boolean;
}

/** Composio's account statuses, in the words `status` shows. */
export function localStatus(remote: string): AccountStatus {
  switch (remote) {
    case 'ACTIVE':
      return 'ACTIVE';
    case 'INITIALIZING':
    case 'INITIATED':
      return 'INITIATED';
    case 'EXPIRED':
    case 'INACTIVE': // disabled at Composio: unusable until it is enabled again
      return 'EXPIRED';
    case 'REVOKED':
      return 'DISCONNECTED';
    default:
      return 'FAILED';
  }
}

export class AccountSync {
  constructor(
    private readonly manager: OAuthManager,
    private readonly store: Store,
    private readonly clock: { now(): number; maxAgeMs: number },
  ) {}

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Brings (user, provider) in line with Composio unless it was checked under 30 s ago.
   * A provider the user disconnected stays disconnected: only connect authorizes again.
   */
  async sync(userId: string, provider: string, options: SyncOptions = {}): Promise<SyncOutcome> {
    const nowMs = this.clock.now();
    const local = await this.store.accounts.providerState(userId, provider);
    const record = await this.store.sync.get(userId, provider);
    if (!options.force && isFresh(record?.lastSyncedAt, nowMs, this.clock.maxAgeMs)) {
      return { provider, status: local.status, skipped: true };
    }
    if (local.status === 'DISCONNECTED') {
      // Only connect authorizes it again, so there is nothing to ask, unless a refresh wants to know.
      if (options.force && options.includeDisconnected && local.connectedAccountId)
        return this.checkDisconnected(userId, provider, local.connectedAccountId, options.signal);
      return { provider, status: local.status, skipped: true };
    }
    if (!local.connectedAccountId) return this.adopt(userId, provider, options.signal);
    let remote: AccountStatus;
    try {
      remote = localStatus((await this.manager.account(local.connectedAccountId, options.signal)).status);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      remote = 'DISCONNECTED'; // deleted at Composio
    }
    // Written only now that Composio answered.
    const syncedAt = this.nowIso();
    const status = await this.store.accounts.applyRemoteStatus(
      userId,
      provider,
      local.connectedAccountId,
      remote,
      syncedAt,
    );
    return { provider, status, skipped: false };
  }

  /** A provider disconnected here: is its account still ACTIVE at Composio? Recorded as checked; stays disconnected. */
  private async checkDisconnected(
    userId: string,
    provider: string,
    accountId: string,
    signal?: AbortSignal,
  ): Promise<SyncOutcome> {
    let remote: RemoteAccount | null = null;
    try {
      remote = await this.manager.account(accountId, signal);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await this.store.sync.record(userId, provider, 'DISCONNECTED', this.nowIso());
    return {
      provider,
      status: 'DISCONNECTED',
      skipped: false,
      ...(remote?.status === 'ACTIVE' ? { stillActiveAtComposio: remote.id } : {}),
    };
  }

  /**
   * No account here: ask Composio for the user's accounts of the toolkit, and adopt an ACTIVE one
   * (the most recently updated) exactly as connect would finalize it.
   */
  private async adopt(userId: string, provider: string, signal?: AbortSignal): Promise<SyncOutcome> {
    const info = providerInfo(provider);
    const api = await this.manager.api();
    const accounts = await api.listAccounts(
      { userIds: [userId], toolkits: [info.toolkitSlug], statuses: ['ACTIVE'] },
      signal,
    );
    const newest = accounts
      .filter((a) => a.status === 'ACTIVE' && (a.userId === null || a.userId === userId) && a.authConfigId)
      .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
    if (!newest) {
      const local = await this.store.accounts.providerState(userId, provider);
      await this.store.sync.record(userId, provider, local.status, this.nowIso());
      return { provider, status: local.status, skipped: false };
    }
    const authConfig = { id: newest.authConfigId, status: 'ENABLED', authScheme: null, managed: false };
    await this.manager.finalize(userId, info, { ...authConfig, toolkit: info.toolkitSlug }, newest, signal);
    return { provider, status: 'ACTIVE', skipped: false, adopted: newest.id };
  }
}
