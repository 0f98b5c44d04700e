/** oauth_pending: a connect that was started, so a re-run can resume it instead of linking again. */
import { and, desc, eq, gt, isNotNull, lte } from 'drizzle-orm';
import type { Database } from './database.js';
import type { Tables } from './tables.js';

export type PendingConnect = Tables['oauthPending']['$inferSelect'];

export interface NewPendingConnect {
  state: string;
  userId: string;
  provider: string;
  authConfigId: string;
  callbackUrl: string;
  expiresAt: string;
}

export class PendingRepository {
  private readonly t: Tables['oauthPending'];

  constructor(private readonly database: Database) {
    this.t = database.tables.oauthPending;
  }

  async create(pending: NewPendingConnect): Promise<void> {
    await this.database.query((db) => db.insert(this.t).values(pending));
  }

  /** Records the Composio account the link created (persisted at once so a crash can resume it). */
  async attachAccount(state: string, connectedAccountId: string, redirectUrl: string | null): Promise<void> {
    await this.database.query((db) =>
      db.update(this.t).set({ connectedAccountId, redirectUrl }).where(eq(this.t.state, state)),
    );
  }

  /** The newest unexpired pending connect for (user, provider) that already has an account. */
  async findResumable(userId: string, provider: string, nowIso: string): Promise<PendingConnect | undefined> {
    const t = this.t;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(t)
        .where(
          and(
            eq(t.userId, userId),
            eq(t.provider, provider),
            isNotNull(t.connectedAccountId),
            gt(t.expiresAt, nowIso),
          ),
        )
        .orderBy(desc(t.createdAt))
        .limit(1),
    );
    return rows[0];
  }

  async delete(state: string): Promise<void> {
    await this.database.query((db) => db.delete(this.t).where(eq(this.t.state, state)));
  }

  async deleteFor(userId: string, provider: string): Promise<void> {
    await this.database.query((db) =>
      db.delete(this.t).where(and(eq(this.t.userId, userId), eq(this.t.provider, provider))),
    );
  }

  async deleteExpired(nowIso: string): Promise<void> {
    await this.database.query((db) => db.delete(this.t).where(lte(this.t.expiresAt, nowIso)));
  }
}
