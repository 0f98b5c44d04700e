/** oauth_pending: a connect that was started, so a re-run can resume it instead of linking again. */
import { and, desc, eq, gt, isNotNull, lte } from 'drizzle-orm';
import type { Db } from './open.js';
import { oauthPending } from './schema.js';

export type PendingConnect = typeof oauthPending.$inferSelect;

export interface NewPendingConnect {
  state: string;
  userId: string;
  provider: string;
  authConfigId: string;
  callbackUrl: string;
  expiresAt: string;
}

export class PendingRepository {
  constructor(private readonly db: Db) {}

  create(pending: NewPendingConnect): void {
    this.db.insert(oauthPending).values(pending).run();
  }

  /** Records the Composio account the link created (persisted at once so a crash can resume it). */
  attachAccount(state: string, connectedAccountId: string, redirectUrl: string | null): void {
    this.db
      .update(oauthPending)
      .set({ connectedAccountId, redirectUrl })
      .where(eq(oauthPending.state, state))
      .run();
  }

  /** The newest unexpired pending connect for (user, provider) that already has an account. */
  findResumable(userId: string, provider: string, nowIso: string): PendingConnect | undefined {
    return this.db
      .select()
      .from(oauthPending)
      .where(
        and(
          eq(oauthPending.userId, userId),
          eq(oauthPending.provider, provider),
          isNotNull(oauthPending.connectedAccountId),
          gt(oauthPending.expiresAt, nowIso),
        ),
      )
      .orderBy(desc(oauthPending.createdAt))
      .get();
  }

  delete(state: string): void {
    this.db.delete(oauthPending).where(eq(oauthPending.state, state)).run();
  }

  deleteFor(userId: string, provider: string): void {
    this.db
      .delete(oauthPending)
      .where(and(eq(oauthPending.userId, userId), eq(oauthPending.provider, provider)))
      .run();
  }

  deleteExpired(nowIso: string): void {
    this.db.delete(oauthPending).where(lte(oauthPending.expiresAt, nowIso)).run();
  }
}
