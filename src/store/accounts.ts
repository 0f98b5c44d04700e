/** Users, auth configs, connected accounts and MCP connections: the rows a connect writes. */
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import type { AccountStatus } from '../domain/accounts.js';
import type { Database } from './database.js';
import type { Tables } from './tables.js';

export interface FinalizeInput {
  userId: string;
  provider: string;
  toolkitSlug: string;
  authConfig: { id: string; authScheme?: string | null; status: string };
  connectedAccountId: string;
  mcp: { url: string; headers: Record<string, string> };
  syncedAt: string;
}

export interface ProviderState {
  provider: string;
  status: AccountStatus;
  connectedAccountId: string | null;
  authConfigId: string | null;
  lastSyncedAt: string | null;
  updatedAt: string | null;
}

export interface McpConnectionRow {
  provider: string;
  connectedAccountId: string | null;
  url: string;
  headers: Record<string, string>;
}

const nowIso = () => new Date().toISOString();

export function mcpConnectionId(userId: string, provider: string): string {
  return `${userId}:${provider}`;
}

export class AccountRepository {
  private readonly t: Tables;

  constructor(private readonly database: Database) {
    this.t = database.tables;
  }

  /**
   * Writes user, auth config, connected account, MCP connection and sync state in ONE
   * transaction. Idempotent: running it twice (or eight times at once) leaves one row each.
   */
  async finalizeConnection(input: FinalizeInput): Promise<void> {
    const { users, authConfigs, connectedAccounts, mcpConnections, syncState } = this.t;
    const at = nowIso();
    const authConfig = {
      provider: input.provider,
      toolkitSlug: input.toolkitSlug,
      authScheme: input.authConfig.authScheme ?? null,
      status: input.authConfig.status,
      updatedAt: at,
    };
    const account = {
      userId: input.userId,
      authConfigId: input.authConfig.id,
      provider: input.provider,
      status: 'ACTIVE' as const,
      updatedAt: at,
    };
    const mcpRow = {
      connectedAccountId: input.connectedAccountId,
      url: input.mcp.url,
      headers: input.mcp.headers,
      status: 'ACTIVE' as const,
      updatedAt: at,
    };
    await this.database.transaction(async (tx) => {
      await tx.insert(users).values({ id: input.userId }).onConflictDoNothing();
      await tx
        .insert(authConfigs)
        .values({ id: input.authConfig.id, ...authConfig })
        .onConflictDoUpdate({ target: authConfigs.id, set: authConfig });
      // One account per (user, provider): a reconnect replaces the previous account.
      await tx
        .delete(connectedAccounts)
        .where(
          and(
            eq(connectedAccounts.userId, input.userId),
            eq(connectedAccounts.provider, input.provider),
            ne(connectedAccounts.id, input.connectedAccountId),
          ),
        );
      await tx
        .delete(connectedAccounts)
        .where(
          and(
            eq(connectedAccounts.userId, input.userId),
            eq(connectedAccounts.authConfigId, input.authConfig.id),
            ne(connectedAccounts.id, input.connectedAccountId),
          ),
        );
      await tx
        .insert(connectedAccounts)
        .values({ id: input.connectedAccountId, ...account })
        .onConflictDoUpdate({ target: connectedAccounts.id, set: account });
      await tx
        .insert(mcpConnections)
        .values({
          id: mcpConnectionId(input.userId, input.provider),
          userId: input.userId,
          provider: input.provider,
          ...mcpRow,
        })
        .onConflictDoUpdate({ target: mcpConnections.id, set: mcpRow });
      await tx
        .insert(syncState)
        .values({
          userId: input.userId,
          provider: input.provider,
          lastSyncedAt: input.syncedAt,
          lastStatus: 'ACTIVE',
        })
        .onConflictDoUpdate({
          target: [syncState.userId, syncState.provider],
          set: { lastSyncedAt: input.syncedAt, lastStatus: 'ACTIVE' },
        });
    });
  }

  /**
   * Flips the provider to DISCONNECTED and clears the stored URL and headers, so it is not
   * authorized from this moment on. Returns the account id it disconnected, if any.
   */
  async disconnect(userId: string, provider: string): Promise<string | null> {
    const { connectedAccounts, mcpConnections, syncState } = this.t;
    const at = nowIso();
    return this.database.transaction(async (tx) => {
      const account = await tx
        .select({ id: connectedAccounts.id })
        .from(connectedAccounts)
        .where(and(eq(connectedAccounts.userId, userId), eq(connectedAccounts.provider, provider)))
        .limit(1);
      await tx
        .update(connectedAccounts)
        .set({ status: 'DISCONNECTED', updatedAt: at })
        .where(and(eq(connectedAccounts.userId, userId), eq(connectedAccounts.provider, provider)));
      await tx
        .update(mcpConnections)
        .set({ status: 'DISCONNECTED', url: null, headers: null, updatedAt: at })
        .where(and(eq(mcpConnections.userId, userId), eq(mcpConnections.provider, provider)));
      await tx
        .update(syncState)
        .set({ lastStatus: 'DISCONNECTED' })
        .where(and(eq(syncState.userId, userId), eq(syncState.provider, provider)));
      return account[0]?.id ?? null;
    });
  }

  /**
   * Records what Composio says about an account. A DISCONNECTED row stays disconnected: only
   * connect (finalize) authorizes a provider again.
   */
  async applyRemoteStatus(
    userId: string,
    provider: string,
    accountId: string,
    status: AccountStatus,
    syncedAt: string,
  ): Promise<AccountStatus> {
    const { connectedAccounts, mcpConnections, syncState } = this.t;
    return this.database.transaction(async (tx) => {
      const rows = await tx
        .select({ status: connectedAccounts.status })
        .from(connectedAccounts)
        .where(and(eq(connectedAccounts.userId, userId), eq(connectedAccounts.id, accountId)))
        .limit(1);
      const row = rows[0];
      const effective: AccountStatus = row?.status === 'DISCONNECTED' ? 'DISCONNECTED' : status;
      if (row && row.status !== 'DISCONNECTED') {
        await tx
          .update(connectedAccounts)
          .set({ status, updatedAt: syncedAt })
          .where(eq(connectedAccounts.id, accountId));
        await tx
          .update(mcpConnections)
          .set({ status, updatedAt: syncedAt })
          .where(and(eq(mcpConnections.userId, userId), eq(mcpConnections.provider, provider)));
      }
      await tx
        .insert(syncState)
        .values({ userId, provider, lastSyncedAt: syncedAt, lastStatus: effective })
        .onConflictDoUpdate({
          target: [syncState.userId, syncState.provider],
          set: { lastSyncedAt: syncedAt, lastStatus: effective },
        });
      return effective;
    });
  }

  async providerState(userId: string, provider: string): Promise<ProviderState> {
    const states = await this.providerStates(userId, [provider]);
    return states.find((s) => s.provider === provider) as ProviderState;
  }

  /** States for the given providers plus every provider this user has rows for. */
  async providerStates(userId: string, providers: readonly string[]): Promise<ProviderState[]> {
    const { connectedAccounts, syncState } = this.t;
    const rows = await this.database.query((db) =>
      db
        .select({
          provider: connectedAccounts.provider,
          id: connectedAccounts.id,
          authConfigId: connectedAccounts.authConfigId,
          status: connectedAccounts.status,
          updatedAt: connectedAccounts.updatedAt,
        })
        .from(connectedAccounts)
        .where(eq(connectedAccounts.userId, userId)),
    );
    const syncs = await this.database.query((db) =>
      db.select().from(syncState).where(eq(syncState.userId, userId)),
    );
    const names = new Set([...providers, ...rows.map((r) => r.provider), ...syncs.map((s) => s.provider)]);
    return [...names].map((provider) => {
      const row = rows.find((r) => r.provider === provider);
      const sync = syncs.find((s) => s.provider === provider);
      return {
        provider,
        status: row?.status ?? 'NOT_CONNECTED',
        connectedAccountId: row?.id ?? null,
        authConfigId: row?.authConfigId ?? null,
        lastSyncedAt: sync?.lastSyncedAt ?? null,
        updatedAt: row?.updatedAt ?? null,
      };
    });
  }

  /** The providers the user may use now: the account is ACTIVE and its MCP connection has a URL. */
  async authorizedProviders(userId: string): Promise<Set<string>> {
    const { connectedAccounts, mcpConnections } = this.t;
    const rows = await this.database.query((db) =>
      db
        .select({ provider: connectedAccounts.provider })
        .from(connectedAccounts)
        .innerJoin(
          mcpConnections,
          and(
            eq(mcpConnections.userId, connectedAccounts.userId),
            eq(mcpConnections.provider, connectedAccounts.provider),
          ),
        )
        .where(
          and(
            eq(connectedAccounts.userId, userId),
            eq(connectedAccounts.status, 'ACTIVE'),
            eq(mcpConnections.status, 'ACTIVE'),
            isNotNull(mcpConnections.url),
          ),
        ),
    );
    return new Set(rows.map((r) => r.provider));
  }

  /** Authorized = the account is ACTIVE and its MCP connection has a URL. */
  async isAuthorized(userId: string, provider: string): Promise<boolean> {
    return (await this.authorizedProviders(userId)).has(provider);
  }

  /** The user's usable MCP connections (ACTIVE, with a URL). */
  async activeMcpConnections(userId: string): Promise<McpConnectionRow[]> {
    const { mcpConnections } = this.t;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(mcpConnections)
        .where(and(eq(mcpConnections.userId, userId), eq(mcpConnections.status, 'ACTIVE'))),
    );
    return rows
      .filter((row): row is typeof row & { url: string } => row.url !== null)
      .map((row) => ({
        provider: row.provider,
        connectedAccountId: row.connectedAccountId,
        url: row.url,
        headers: row.headers ?? {},
      }));
  }
}
