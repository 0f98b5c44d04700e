/**
 * The queue of submitted runs: `gagent run --submit` and the API queue a run, workers claim the
 * oldest, keep it alive with a heartbeat, and runs whose process is gone are marked or queued
 * again. Queueing is announced so waiting workers claim at once; a cancel ends a queued run or
 * flags a running one.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { RunRequest, RunStatus } from '../domain/run.js';
import type { Database } from './database.js';
import { ownedBy, ownerColumns, type RunOwner } from './run-owner.js';
import type { RunRow } from './runs.js';
import type { Tables } from './tables.js';

/** A run marked "running": who carries it out, to tell whether that process is gone. */
export interface AbandonedRun {
  id: string;
  pid: number | null;
  host: string | null;
  pidScope: string | null;
  heartbeatAt: string | null;
  /** The submitted request (for its retries), and how often it was retried already. */
  options: unknown;
  retried: number;
}

/** What a submit queued, or the run already submitted under its idempotency key. */
export interface SubmittedRun {
  id: string;
  /** False when the run was already there under the same key. */
  created: boolean;
  status: RunStatus;
  /** The request the run was submitted with. */
  options: unknown;
}

export class RunQueueRepository {
  private readonly runs: Tables['runs'];

  constructor(private readonly database: Database) {
    this.runs = database.tables.runs;
  }

  /**
   * Queues a run for a worker (gagent run --submit, the API). With an idempotency key, a run the
   * user already submitted under that key is answered instead of queuing another; the unique index
   * decides, so two submits racing with one key queue exactly one run.
   */
  async submit(run: {
    id: string;
    userId: string;
    request: RunRequest;
    queuedAt: string;
    idempotencyKey?: string;
  }): Promise<SubmittedRun> {
    const runs = this.runs;
    const row = {
      id: run.id,
      userId: run.userId,
      task: run.request.task,
      status: 'queued' as const,
      model: run.request.model ?? '(the worker’s)',
      controller: run.request.controller ?? '(the worker’s)',
      startedAt: run.queuedAt,
      queuedAt: run.queuedAt,
      options: run.request,
      idempotencyKey: run.idempotencyKey ?? null,
    };
    // A run found under the key may be deleted before it is read: then the key is free again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.database.query((db) =>
        db
          .insert(runs)
          .values(row)
          .onConflictDoNothing({ target: [runs.userId, runs.idempotencyKey] })
          .returning({ id: runs.id }),
      );
      if (inserted.length > 0) {
        await this.database.announceRunQueued();
        return { id: run.id, created: true, status: 'queued', options: run.request };
      }
      const [existing] = await this.database.query((db) =>
        db
          .select({ id: runs.id, status: runs.status, options: runs.options })
          .from(runs)
          .where(and(eq(runs.userId, run.userId), eq(runs.idempotencyKey, run.idempotencyKey ?? '')))
          .limit(1),
      );
      if (existing) return { ...existing, created: false };
    }
    throw new Error(`The run under idempotency key "${run.idempotencyKey}" kept changing; try again.`);
  }

  /** Wakes waiting workers: runs were queued (by submit, requeue, or straight into the table). */
  announceQueued(): Promise<void> {
    return this.database.announceRunQueued();
  }

  /** Calls `listener` whenever a run is queued anywhere on this database; the result stops it. */
  onQueued(listener: () => void): Promise<() => Promise<void>> {
    return this.database.onRunQueued(listener);
  }

  /**
   * Takes the oldest queued run for this worker, or none. Two workers never take the same run:
   * PostgreSQL locks the row and skips rows another worker holds; SQLite serializes the writers.
   */
  async claimNext(owner: RunOwner, at: string): Promise<RunRow | undefined> {
    const runs = this.runs;
    const postgres = this.database.dialect === 'postgres';
    return this.database.transaction(async (tx) => {
      const oldest = tx
        .select()
        .from(runs)
        .where(eq(runs.status, 'queued'))
        .orderBy(asc(runs.queuedAt))
        .limit(1);
      const [row] = await (postgres ? oldest.for('update', { skipLocked: true }) : oldest);
      if (!row) return undefined;
      const claim = { status: 'running' as const, ...ownerColumns(owner), startedAt: at, heartbeatAt: at };
      await tx
        .update(runs)
        .set(claim)
        .where(and(eq(runs.id, row.id), eq(runs.status, 'queued')));
      return { ...row, ...claim };
    });
  }

  /** The run's process is alive (said only by the attempt that owns it). */
  async heartbeat(id: string, at: string, owner: RunOwner): Promise<void> {
    const runs = this.runs;
    await this.database.query((db) =>
      db
        .update(runs)
        .set({ heartbeatAt: at })
        .where(ownedBy(this.runs, id, owner)),
    );
  }

  /** Every run still marked running (few at any time; indexed by status). */
  async running(): Promise<AbandonedRun[]> {
    const runs = this.runs;
    return this.database.query((db) =>
      db
        .select({
          id: runs.id,
          pid: runs.pid,
          host: runs.host,
          pidScope: runs.pidScope,
          heartbeatAt: runs.heartbeatAt,
          options: runs.options,
          retried: runs.retried,
        })
        .from(runs)
        .where(eq(runs.status, 'running')),
    );
  }

  /** Marks runs whose process is gone as interrupted (only if they are still marked running). */
  async markInterrupted(ids: string[], summary: string, finishedAt: string): Promise<void> {
    if (ids.length === 0) return;
    const runs = this.runs;
    await this.database.query((db) =>
      db
        .update(runs)
        .set({ status: 'interrupted', summary, finishedAt, exitCode: 130 })
        .where(and(inArray(runs.id, ids), eq(runs.status, 'running'))),
    );
  }

  /**
   * Puts a run whose worker died back in the queue, its partial history dropped (the next attempt
   * starts over) — only if it is still marked running.
   */
  async requeue(id: string, at: string): Promise<void> {
    const { runs, runSteps, stepArtifacts } = this.database.tables;
    await this.database.transaction(async (tx) => {
      const moved = await tx
        .update(runs)
        .set({
          status: 'queued',
          queuedAt: at,
          pid: null,
          host: null,
          pidScope: null,
          owner: null,
          heartbeatAt: null,
          summary: null,
          retried: sql`${runs.retried} + 1`,
        })
        .where(and(eq(runs.id, id), eq(runs.status, 'running')))
        .returning({ id: runs.id });
      if (moved.length === 0) return;
      await tx.delete(runSteps).where(eq(runSteps.runId, id));
      await tx.delete(stepArtifacts).where(eq(stepArtifacts.runId, id));
    });
    await this.database.announceRunQueued();
  }

  /**
   * Asks one of the user's runs to stop: a queued run is cancelled at once (it never starts); a
   * running one is asked to stop after its current step (its attempt checks between steps). What
   * became of it: 'cancelled', 'cancelling', or 'ended' when it had already finished (or is not the
   * user's); each tested in its statement, as a worker may take or finish the run at any moment.
   */
  async requestCancel(userId: string, id: string, at: string): Promise<'cancelled' | 'cancelling' | 'ended'> {
    const runs = this.runs;
    const mine = and(eq(runs.id, id), eq(runs.userId, userId));
    const queued = await this.database.query((db) =>
      db
        .update(runs)
        .set({
          status: 'cancelled',
          cancelRequestedAt: at,
          finishedAt: at,
          exitCode: 130,
          summary: 'Cancelled before it started (gagent runs cancel).',
        })
        .where(and(mine, eq(runs.status, 'queued')))
        .returning({ id: runs.id }),
    );
    if (queued.length > 0) return 'cancelled';
    const running = await this.database.query((db) =>
      db
        .update(runs)
        .set({ cancelRequestedAt: at })
        .where(and(mine, eq(runs.status, 'running')))
        .returning({ id: runs.id }),
    );
    return running.length > 0 ? 'cancelling' : 'ended';
  }

  /** Whether someone asked this run to stop (gagent runs cancel): one primary-key read per step. */
  async cancelRequested(id: string): Promise<boolean> {
    const runs = this.runs;
    const rows = await this.database.query((db) =>
      db.select({ at: runs.cancelRequestedAt }).from(runs).where(eq(runs.id, id)).limit(1),
    );
    return Boolean(rows[0]?.at);
  }
}
