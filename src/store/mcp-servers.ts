/**
 * mcp_servers and mcp_oauth: the MCP servers a user added, and the OAuth state of each remote one.
 * Removing a server removes its OAuth state in the same transaction; re-adding it at another URL
 * drops the old state (tokens belong to the server they were issued for).
 */
import { and, asc, eq, isNull, lt, ne, or } from 'drizzle-orm';
import type { Database } from './database.js';
import type { Tables } from './tables.js';
import type { McpTransportKind } from './tables-mcp.js';

export type McpServerRow = Tables['mcpServers']['$inferSelect'];
export type McpOauthRow = Tables['mcpOauth']['$inferSelect'];
export type { McpTransportKind };

export interface NewMcpServer {
  userId: string;
  name: string;
  transport: McpTransportKind;
  url?: string | null;
  headers?: Record<string, string> | null;
  command?: string | null;
  args?: string[] | null;
  env?: Record<string, string> | null;
  trust?: string;
  oauthClientId?: string | null;
  oauthCallbackPort?: number | null;
}

/** What a login or a refresh saves: only the fields given change. */
export type McpOauthPatch = Partial<
  Pick<
    McpOauthRow,
    'clientInformation' | 'tokens' | 'expiresAt' | 'codeVerifier' | 'issuer' | 'refreshingUntil'
  >
>;

export class McpServerRepository {
  private readonly t: Tables['mcpServers'];
  private readonly o: Tables['mcpOauth'];

  constructor(private readonly database: Database) {
    this.t = database.tables.mcpServers;
    this.o = database.tables.mcpOauth;
  }

  async list(userId: string): Promise<McpServerRow[]> {
    const t = this.t;
    return this.database.query((db) => db.select().from(t).where(eq(t.userId, userId)).orderBy(asc(t.name)));
  }

  async get(userId: string, name: string): Promise<McpServerRow | undefined> {
    const t = this.t;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(t)
        .where(and(eq(t.userId, userId), eq(t.name, name)))
        .limit(1),
    );
    return rows[0];
  }

  /** Adds the server, or replaces the one of that name; returns whether it replaced one. */
  async put(server: NewMcpServer): Promise<{ replaced: boolean }> {
    const t = this.t;
    const o = this.o;
    const now = new Date().toISOString();
    const values = {
      userId: server.userId,
      name: server.name,
      transport: server.transport,
      url: server.url ?? null,
      headers: server.headers ?? null,
      command: server.command ?? null,
      args: server.args ?? null,
      env: server.env ?? null,
      trust: server.trust ?? 'none',
      oauthClientId: server.oauthClientId ?? null,
      oauthCallbackPort: server.oauthCallbackPort ?? null,
      updatedAt: now,
    };
    return this.database.transaction(async (tx) => {
      const existing = await tx
        .select({ name: t.name })
        .from(t)
        .where(and(eq(t.userId, server.userId), eq(t.name, server.name)));
      await tx
        .insert(t)
        .values({ ...values, createdAt: now })
        .onConflictDoUpdate({ target: [t.userId, t.name], set: values });
      // Tokens and a registration belong to the URL they were issued for.
      const otherUrl = server.url ? ne(o.serverUrl, server.url) : undefined;
      await tx
        .delete(o)
        .where(and(eq(o.userId, server.userId), eq(o.name, server.name), ...(otherUrl ? [otherUrl] : [])));
      return { replaced: existing.length > 0 };
    });
  }

  /** Removes the server and its OAuth state; returns whether there was one. */
  async remove(userId: string, name: string): Promise<boolean> {
    const t = this.t;
    const o = this.o;
    return this.database.transaction(async (tx) => {
      await tx.delete(o).where(and(eq(o.userId, userId), eq(o.name, name)));
      const gone = await tx
        .delete(t)
        .where(and(eq(t.userId, userId), eq(t.name, name)))
        .returning({ name: t.name });
      return gone.length > 0;
    });
  }

  async oauth(userId: string, name: string): Promise<McpOauthRow | undefined> {
    const o = this.o;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(o)
        .where(and(eq(o.userId, userId), eq(o.name, name)))
        .limit(1),
    );
    return rows[0];
  }

  /** Saves part of a server's OAuth state (creating its row, tied to `serverUrl`, if need be). */
  async saveOauth(userId: string, name: string, serverUrl: string, patch: McpOauthPatch): Promise<void> {
    const o = this.o;
    const updatedAt = new Date().toISOString();
    await this.database.query((db) =>
      db
        .insert(o)
        .values({ userId, name, serverUrl, ...patch, updatedAt })
        .onConflictDoUpdate({ target: [o.userId, o.name], set: { serverUrl, ...patch, updatedAt } }),
    );
  }

  /**
   * Saves `patch` only if the row still passes `check` (read under a row lock on PostgreSQL, in a
   * write transaction on SQLite), so a process never overwrites what another one saved meanwhile.
   */
  async updateOauthIf(
    userId: string,
    name: string,
    check: (row: McpOauthRow) => boolean,
    patch: McpOauthPatch,
  ): Promise<boolean> {
    const o = this.o;
    const postgres = this.database.dialect === 'postgres';
    return this.database.transaction(async (tx) => {
      const select = tx
        .select()
        .from(o)
        .where(and(eq(o.userId, userId), eq(o.name, name)))
        .limit(1);
      const [row] = await (postgres ? select.for('update') : select);
      if (!row || !check(row)) return false;
      await tx
        .update(o)
        .set({ ...patch, updatedAt: new Date().toISOString() })
        .where(and(eq(o.userId, userId), eq(o.name, name)));
      return true;
    });
  }

  /**
   * Claims the right to refresh a server's tokens until `until` (ISO), unless another process
   * holds an unexpired claim; returns whether this one got it.
   */
  async claimOauthRefresh(userId: string, name: string, until: string, now: string): Promise<boolean> {
    const o = this.o;
    const claimed = await this.database.query((db) =>
      db
        .update(o)
        .set({ refreshingUntil: until })
        .where(
          and(
            eq(o.userId, userId),
            eq(o.name, name),
            or(isNull(o.refreshingUntil), lt(o.refreshingUntil, now)),
          ),
        )
        .returning({ name: o.name }),
    );
    return claimed.length > 0;
  }

  /** Forgets a server's OAuth state (logout, or credentials the server no longer accepts). */
  async clearOauth(userId: string, name: string): Promise<boolean> {
    const o = this.o;
    const gone = await this.database.query((db) =>
      db
        .delete(o)
        .where(and(eq(o.userId, userId), eq(o.name, name)))
        .returning({ name: o.name }),
    );
    return gone.length > 0;
  }
}
