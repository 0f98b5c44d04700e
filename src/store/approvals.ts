/** tool_approvals: a user's remembered "always" approvals of MCP tools, tied to the tool's definition digest. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './open.js';
import { toolApprovals } from './schema.js';

export type ToolApprovalRow = typeof toolApprovals.$inferSelect;

export interface NewToolApproval {
  userId: string;
  server: string;
  tool: string;
  digest: string;
  definition: unknown;
  origin: string;
}

export class ApprovalRepository {
  constructor(private readonly db: Db) {}

  get(userId: string, server: string, tool: string): ToolApprovalRow | undefined {
    return this.db
      .select()
      .from(toolApprovals)
      .where(
        and(eq(toolApprovals.userId, userId), eq(toolApprovals.server, server), eq(toolApprovals.tool, tool)),
      )
      .get();
  }

  /** Remembers (or re-remembers, after a change) the approval. */
  remember(approval: NewToolApproval): void {
    const { userId, server, tool, ...rest } = approval;
    this.db
      .insert(toolApprovals)
      .values({ ...approval, createdAt: new Date().toISOString() })
      .onConflictDoUpdate({
        target: [toolApprovals.userId, toolApprovals.server, toolApprovals.tool],
        set: { ...rest, createdAt: new Date().toISOString() },
      })
      .run();
  }

  list(userId: string): ToolApprovalRow[] {
    return this.db
      .select()
      .from(toolApprovals)
      .where(eq(toolApprovals.userId, userId))
      .orderBy(asc(toolApprovals.server), asc(toolApprovals.tool))
      .all();
  }

  /** Forgets the user's approvals of a server's tools (or of one tool); returns the tools forgotten. */
  revoke(userId: string, server: string, tool?: string): string[] {
    const match = tool
      ? and(eq(toolApprovals.userId, userId), eq(toolApprovals.server, server), eq(toolApprovals.tool, tool))
      : and(eq(toolApprovals.userId, userId), eq(toolApprovals.server, server));
    return this.db
      .delete(toolApprovals)
      .where(match)
      .returning({ tool: toolApprovals.tool })
      .all()
      .map((r) => r.tool);
  }
}
