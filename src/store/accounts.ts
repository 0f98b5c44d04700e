/** Users, auth configs, connected accounts and MCP connections: the rows a connect writes. */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { AccountStatus } from '../domain/accounts.js';
import type { Db } from './open.js';
import { authConfigs, connectedAccounts, mcpConnections, syncState, users } from './schema.js';

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
  constructor(private readonly db: Db) {}

  /**
   * Writes user, auth config, connected account, MCP connection and sync state in ONE
   * transaction. Idempotent: running it twice (or eight times at once) leaves one row each.
   */
  finalizeConnection(input: FinalizeInput): void {
    const at = nowIso();
    this.db.transaction(
      (tx) => {
        tx.insert(users).values({ id: input.userId }).onConflictDoNothing().run();
        tx.insert(authConfigs)
          .values({
            id: input.authConfig.id,
            provider: input.provider,
            toolkitSlug: input.toolkitSlug,
            authScheme: input.authConfig.authScheme ?? null,
            status: input.authConfig.status,
            updatedAt: at,
          })
          .onConflictDoUpdate({
            target: authConfigs.id,
            set: {
              provider: input.provider,
              toolkitSlug: input.toolkitSlug,
              authScheme: input.authConfig.authScheme ?? null,
              status: input.authConfig.status,
              updatedAt: at,
            },
          })
          .run();
        // One account per (user, provider): a reconnect replaces the previous account.
        tx.delete(connectedAccounts)
          .where(
            and(
              eq(connectedAccounts.userId, input.userId),
              eq(connectedAccounts.provider, input.provider),
              ne(connectedAccounts.id, input.connectedAccountId),
            ),
          )
          .run();
        tx.delete(connectedAccounts)
          .where(
            and(
              eq(connectedAccounts.userId, input.userId),
              eq(connectedAccounts.authConfigId, input.authConfig.id),
              ne(connectedAccounts.id, input.connectedAccountId),
            ),
          )
          .run();
        tx.insert(connectedAccounts)
          .values({
            id: input.connectedAccountId,
            userId: input.userId,
            authConfigId: input.authConfig.id,
            provider: input.provider,
            status: 'ACTIVE',
            updatedAt: at,
          })
          .onConflictDoUpdate({
            target: connectedAccounts.id,
            set: {
              userId: input.userId,
              authConfigId: input.authConfig.id,
              provider: input.provider,
              status: 'ACTIVE',
              updatedAt: at,
            },
          })
          .run();
        const mcpRow = {
          connectedAccountId: input.connectedAccountId,
          url: input.mcp.url,
          headers: input.mcp.headers,
          status: 'ACTIVE' as const,
          updatedAt: at,
        };
        tx.insert(mcpConnections)
          .values({
            id: mcpConnectionId(input.userId, input.provider),
            userId: input.userId,
            provider: input.provider,
            ...mcpRow,
          })
          .onConflictDoUpdate({ target: mcpConnections.id, set: mcpRow })
          .run();
        tx.insert(syncState)
          .values({
            userId: input.userId,
            provider: input.provider,
            lastSyncedAt: input.syncedAt,
            lastStatus: 'ACTIVE',
          })
          .onConflictDoUpdate({
            target: [syncState.userId, syncState.provider],
            set: { lastSyncedAt: input.syncedAt, lastStatus: 'ACTIVE' },
          })
          .run();
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Flips the provider to DISCONNECTED and clears the stored URL and headers, so it is not
   * authorized from this moment on. Returns the account id it disconnected, if any.
   */
  disconnect(userId: string, provider: string): string | null {
    const at = nowIso();
    return this.db.transaction(
      (tx) => {
        const account = tx
          .select({ id: connectedAccounts.id })
          .from(connectedAccounts)
          .where(and(eq(connectedAccounts.userId, userId), eq(connectedAccounts.provider, provider)))
          .get();
        tx.update(connectedAccounts)
          .set({ status: 'DISCONNECTED', updatedAt: at })
          .where(and(eq(connectedAccounts.userId, userId), eq(connectedAccounts.provider, provider)))
          .run();
        tx.update(mcpConnections)
          .set({ status: 'DISCONNECTED', url: null, headers: null, updatedAt: at })
          .where(and(eq(mcpConnections.userId, userId), eq(mcpConnections.provider, provider)))
          .run();
        tx.update(syncState)
          .set({ lastStatus: 'DISCONNECTED' })
          .where(and(eq(syncState.userId, userId), eq(syncState.provider, provider)))
          .run();
        return account?.id ?? null;
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Records what Composio says about an account. A DISCONNECTED row stays disconnected: only
   * connect (finalize) authorizes a provider again.
   */
  applyRemoteStatus(
    userId: string,
    provider: string,
    accountId: string,
    status: AccountStatus,
    syncedAt: string,
  ): AccountStatus {
    return this.db.transaction(
      (tx) => {
        const row = tx
          .select({ status: connectedAccounts.status })
          .from(connectedAccounts)
          .where(and(eq(connectedAccounts.userId, userId), eq(connectedAccounts.id, accountId)))
          .get();
        const effective: AccountStatus = row?.status === 'DISCONNECTED' ? 'DISCONNECTED' : status;
        if (row && row.status !== 'DISCONNECTED') {
          tx.update(connectedAccounts)
            .set({ status, updatedAt: syncedAt })
            .where(eq(connectedAccounts.id, accountId))
            .run();
          tx.update(mcpConnections)
            .set({ status, updatedAt: syncedAt })
            .where(and(eq(mcpConnections.userId, userId), eq(mcpConnections.provider, provider)))
            .run();
        }
        tx.insert(syncState)
          .values({ userId, provider, lastSyncedAt: syncedAt, lastStatus: effective })
          .onConflictDoUpdate({
            target: [syncState.userId, syncState.provider],
            set: { lastSyncedAt: syncedAt, lastStatus: effective },
          })
          .run();
        return effective;
      },
      { behavior: 'immediate' },
    );
  }

  providerState(userId: string, provider: string): ProviderState {
    return this.providerStates(userId, [provider]).find((s) => s.provider === provider) as ProviderState;
  }

  /** States for the given providers plus every provider this user has rows for. */
  providerStates(userId: string, providers: readonly string[]): ProviderState[] {
    const rows = this.db
      .select({
        provider: connectedAccounts.provider,
        id: connectedAccounts.id,
        authConfigId: connectedAccounts.authConfigId,
        status: connectedAccounts.status,
        updatedAt: connectedAccounts.updatedAt,
      })
      .from(connectedAccounts)
      .where(eq(connectedAccounts.userId, userId))
      .all();
    const syncs = this.db.select().from(syncState).where(eq(syncState.userId, userId)).all();
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

  /** Authorized = the account is ACTIVE and its MCP connection has a URL. */
  isAuthorized(userId: string, provider: string): boolean {
    const row = this.db
      .select({ n: sql<number>`count(*)` })
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
          eq(connectedAccounts.provider, provider),
          eq(connectedAccounts.status, 'ACTIVE'),
          eq(mcpConnections.status, 'ACTIVE'),
          sql`${mcpConnections.url} IS NOT NULL`,
        ),
      )
      .get();
    return (row?.n ?? 0) > 0;
  }

  /** The user's usable MCP connections (ACTIVE, with a URL). */
  activeMcpConnections(userId: string): McpConnectionRow[] {
    return this.db
      .select()
      .from(mcpConnections)
      .where(and(eq(mcpConnections.userId, userId), eq(mcpConnections.status, 'ACTIVE')))
      .all()
      .filter((row): row is typeof row & { url: string } => row.url !== null)
      .map((row) => ({
        provider: row.provider,
        connectedAccountId: row.connectedAccountId,
        url: row.url,
        headers: row.headers ?? {},
      }));
  }
}
