/** sync_state: when (user, provider) was last checked against Composio. Lives in the DB because every CLI process is short-lived (and, on PostgreSQL, every machine shares it). */
import { and, eq } from 'drizzle-orm';
import type { AccountStatus } from '../domain/accounts.js';
import type { Database } from './database.js';
import type { Tables } from './tables.js';

export type SyncRecord = Tables['syncState']['$inferSelect'];

export class SyncRepository {
  private readonly t: Tables['syncState'];

  constructor(private readonly database: Database) {
    this.t = database.tables.syncState;
  }

  async get(userId: string, provider: string): Promise<SyncRecord | undefined> {
    const t = this.t;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(t)
        .where(and(eq(t.userId, userId), eq(t.provider, provider)))
        .limit(1),
    );
    return rows[0];
  }

  async record(userId: string, provider: string, status: AccountStatus, syncedAt: string): Promise<void> {
    const t = this.t;
    await this.database.query((db) =>
      db
        .insert(t)
        .values({ userId, provider, lastSyncedAt: syncedAt, lastStatus: status })
        .onConflictDoUpdate({
          target: [t.userId, t.provider],
          set: { lastSyncedAt: syncedAt, lastStatus: status },
        }),
    );
  }
}

/** True when a sync at `lastSyncedAt` is recent enough to skip asking Composio again. */
export function isFresh(lastSyncedAt: string | null | undefined, nowMs: number, maxAgeMs: number): boolean {
  if (!lastSyncedAt) return false;
  const at = Date.parse(lastSyncedAt);
  return Number.isFinite(at) && nowMs - at >= 0 && nowMs - at < maxAgeMs;
}
