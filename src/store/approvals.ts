/** tool_approvals: a user's remembered "always" approvals of MCP tools, tied to the tool's definition digest. */
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from './database.js';
import type { Tables } from './tables.js';

export type ToolApprovalRow = Tables['toolApprovals']['$inferSelect'];

export interface NewToolApproval {
  userId: string;
  server: string;
  tool: string;
  digest: string;
  definition: unknown;
  origin: string;
}

export class ApprovalRepository {
  private readonly t: Tables['toolApprovals'];

  constructor(private readonly database: Database) {
    this.t = database.tables.toolApprovals;
  }

  async get(userId: string, server: string, tool: string): Promise<ToolApprovalRow | undefined> {
    const t = this.t;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(t)
        .where(and(eq(t.userId, userId), eq(t.server, server), eq(t.tool, tool)))
        .limit(1),
    );
    return rows[0];
  }

  /** Remembers (or re-remembers, after a change) the approval. */
  async remember(approval: NewToolApproval): Promise<void> {
    const { userId, server, tool, ...rest } = approval;
    const t = this.t;
    const createdAt = new Date().toISOString();
    await this.database.query((db) =>
      db
        .insert(t)
        .values({ ...approval, createdAt })
        .onConflictDoUpdate({ target: [t.userId, t.server, t.tool], set: { ...rest, createdAt } }),
    );
  }

  async list(userId: string): Promise<ToolApprovalRow[]> {
    const t = this.t;
    return this.database.query((db) =>
      db.select().from(t).where(eq(t.userId, userId)).orderBy(asc(t.server), asc(t.tool)),
    );
  }

  /** Forgets the user's approvals of a server's tools (or of one tool); returns the tools forgotten. */
  async revoke(userId: string, server: string, tool?: string): Promise<string[]> {
    const t = this.t;
    const match = tool
      ? and(eq(t.userId, userId), eq(t.server, server), eq(t.tool, tool))
      : and(eq(t.userId, userId), eq(t.server, server));
    const rows = await this.database.query((db) => db.delete(t).where(match).returning({ tool: t.tool }));
    return rows.map((r) => r.tool);
  }
}
