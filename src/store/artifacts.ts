/** step_artifacts: what a step leaves besides its row — the screenshot the model saw, compressed. */
import { and, asc, count, eq, inArray, lt, sum } from 'drizzle-orm';
import type { Db } from './open.js';
import { runs, stepArtifacts } from './schema.js';

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

export type StoredScreenshot = typeof stepArtifacts.$inferSelect;

/** A stored screenshot without its bytes: what a listing needs. */
export type ScreenshotInfo = Omit<StoredScreenshot, 'data' | 'runId' | 'kind'>;

export class ArtifactRepository {
  constructor(private readonly db: Db) {}

  saveScreenshot(shot: NewScreenshot): void {
    const { runId, idx, ...rest } = shot;
    const row = { ...rest, bytes: shot.data.length, createdAt: new Date().toISOString() };
    this.db
      .insert(stepArtifacts)
      .values({ runId, idx, kind: 'screenshot', ...row })
      .onConflictDoUpdate({
        target: [stepArtifacts.runId, stepArtifacts.idx, stepArtifacts.kind],
        set: row,
      })
      .run();
  }

  /** The run's screenshots with their bytes, by step. */
  screenshots(runId: string): StoredScreenshot[] {
    return this.db
      .select()
      .from(stepArtifacts)
      .where(and(eq(stepArtifacts.runId, runId), eq(stepArtifacts.kind, 'screenshot')))
      .orderBy(asc(stepArtifacts.idx))
      .all();
  }

  /** The run's screenshots without their bytes. */
  screenshotInfo(runId: string): ScreenshotInfo[] {
    const a = stepArtifacts;
    return this.db
      .select({
        idx: a.idx,
        mediaType: a.mediaType,
        width: a.width,
        height: a.height,
        screenWidth: a.screenWidth,
        screenHeight: a.screenHeight,
        bytes: a.bytes,
        createdAt: a.createdAt,
      })
      .from(stepArtifacts)
      .where(and(eq(stepArtifacts.runId, runId), eq(stepArtifacts.kind, 'screenshot')))
      .orderBy(asc(stepArtifacts.idx))
      .all();
  }

  /** Deletes the screenshots of the user's runs started before `before` (ISO time); returns how many. */
  pruneScreenshots(userId: string, before: string): number {
    const old = this.db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.userId, userId), lt(runs.startedAt, before)));
    return this.db
      .delete(stepArtifacts)
      .where(inArray(stepArtifacts.runId, old))
      .returning({ idx: stepArtifacts.idx })
      .all().length;
  }

  /** How many artifacts there are and their total size, over every user. */
  totals(): { count: number; bytes: number } {
    const row = this.db
      .select({ count: count(), bytes: sum(stepArtifacts.bytes) })
      .from(stepArtifacts)
      .get();
    return { count: row?.count ?? 0, bytes: Number(row?.bytes ?? 0) };
  }
}
