/** sync_state: when (user, provider) was last checked against Composio. Lives in the DB because every CLI process is short-lived. */
import { and, eq } from 'drizzle-orm';
import type { AccountStatus } from '../domain/accounts.js';
import type { Db } from './open.js';
import { syncState } from './schema.js';

export type SyncRecord = typeof syncState.$inferSelect;

export class SyncRepository {
  constructor(private readonly db: Db) {}

  get(userId: string, provider: string): SyncRecord | undefined {
    return this.db
      .select()
      .from(syncState)
      .where(and(eq(syncState.userId, userId), eq(syncState.provider, provider)))
      .get();
  }

  record(userId: string, provider: string, status: AccountStatus, syncedAt: string): void {
    this.db
      .insert(syncState)
      .values({ userId, provider, lastSyncedAt: syncedAt, lastStatus: status })
      .onConflictDoUpdate({
        target: [syncState.userId, syncState.provider],
        set: { lastSyncedAt: syncedAt, lastStatus: status },
      })
      .run();
  }
}

/** True when a sync at `lastSyncedAt` is recent enough to skip asking Composio again. */
export function isFresh(lastSyncedAt: string | null | undefined, nowMs: number, maxAgeMs: number): boolean {
  if (!lastSyncedAt) return false;
  const at = Date.parse(lastSyncedAt);
  return Number.isFinite(at) && nowMs - at >= 0 && nowMs - at < maxAgeMs;
}
