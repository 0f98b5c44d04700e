/** step_artifacts: what a step leaves besides its row — the screenshot the model saw, compressed. */
import { and, asc, count, eq, inArray, lt, sum } from 'drizzle-orm';
import type { Database } from './database.js';
import type { Tables } from './tables.js';

export interface NewScreenshot {
  runId: string;
  idx: number;
  mediaType: string;
  width: number;
  height: number;
  screenWidth: number;
  screenHeight: number;
  data: Buffer;
}

export type StoredScreenshot = Tables['stepArtifacts']['$inferSelect'];

/** A stored screenshot without its bytes: what a listing needs. */
export type ScreenshotInfo = Omit<StoredScreenshot, 'data' | 'runId' | 'kind'>;

export class ArtifactRepository {
  private readonly t: Tables['stepArtifacts'];

  constructor(private readonly database: Database) {
    this.t = database.tables.stepArtifacts;
  }

  async saveScreenshot(shot: NewScreenshot): Promise<void> {
    const { runId, idx, ...rest } = shot;
    const t = this.t;
    const row = { ...rest, bytes: shot.data.length, createdAt: new Date().toISOString() };
    await this.database.query((db) =>
      db
        .insert(t)
        .values({ runId, idx, kind: 'screenshot', ...row })
        .onConflictDoUpdate({ target: [t.runId, t.idx, t.kind], set: row }),
    );
  }

  /** The run's screenshots with their bytes, by step. */
  async screenshots(runId: string): Promise<StoredScreenshot[]> {
    const t = this.t;
    return this.database.query((db) =>
      db
        .select()
        .from(t)
        .where(and(eq(t.runId, runId), eq(t.kind, 'screenshot')))
        .orderBy(asc(t.idx)),
    );
  }

  /** The run's screenshots without their bytes. */
  async screenshotInfo(runId: string): Promise<ScreenshotInfo[]> {
    const t = this.t;
    return this.database.query((db) =>
      db
        .select({
          idx: t.idx,
          mediaType: t.mediaType,
          width: t.width,
          height: t.height,
          screenWidth: t.screenWidth,
          screenHeight: t.screenHeight,
          bytes: t.bytes,
          createdAt: t.createdAt,
        })
        .from(t)
        .where(and(eq(t.runId, runId), eq(t.kind, 'screenshot')))
        .orderBy(asc(t.idx)),
    );
  }

  /** Deletes the screenshots of the user's runs started before `before` (ISO time); returns how many. */
  async pruneScreenshots(userId: string, before: string): Promise<number> {
    const { runs } = this.database.tables;
    const t = this.t;
    const rows = await this.database.query((db) => {
      const old = db
        .select({ id: runs.id })
        .from(runs)
        .where(and(eq(runs.userId, userId), lt(runs.startedAt, before)));
      return db.delete(t).where(inArray(t.runId, old)).returning({ idx: t.idx });
    });
    return rows.length;
  }

  /** How many artifacts the user's runs keep, and their total size. */
  async totals(userId: string): Promise<{ count: number; bytes: number }> {
    const { runs } = this.database.tables;
    const t = this.t;
    const rows = await this.database.query((db) =>
      db
        .select({ count: count(), bytes: sum(t.bytes) })
        .from(t)
        .where(inArray(t.runId, db.select({ id: runs.id }).from(runs).where(eq(runs.userId, userId)))),
    );
    return { count: Number(rows[0]?.count ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }
}
