/** runs and run_steps: the history of `gagent run`, written step by step as it happens. */
import { and, asc, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { RunStatus, StepKind } from '../domain/run.js';
import type { Db } from './open.js';
import { runSteps, runs } from './schema.js';

export type RunRow = typeof runs.$inferSelect;

/** What a run id (or the start of one) can contain; anything else matches no run. */
const RUN_ID_PREFIX = /^[A-Za-z0-9_-]{1,64}$/;
export type RunStepRow = typeof runSteps.$inferSelect;

export interface NewRun {
  id: string;
  userId: string;
  task: string;
  model: string;
  controller: string;
  startedAt: string;
  /** The process running it, and its machine. */
  pid: number;
  host: string;
}

/** A run left "running" whose process is gone. */
export interface AbandonedRun {
  id: string;
  pid: number | null;
  host: string | null;
  heartbeatAt: string | null;
}

export interface NewRunStep {
  runId: string;
  idx: number;
  kind: StepKind;
  plan: string | null;
  action: unknown;
  outcome: unknown;
  reflection: string | null;
  approval: unknown;
  durationMs: number | null;
}

export class RunRepository {
  constructor(private readonly db: Db) {}

  create(run: NewRun): void {
    this.db
      .insert(runs)
      .values({ ...run, status: 'running', heartbeatAt: run.startedAt })
      .run();
  }

  /** The run's process is alive. */
  heartbeat(id: string, at: string): void {
    this.db
      .update(runs)
      .set({ heartbeatAt: at })
      .where(and(eq(runs.id, id), eq(runs.status, 'running')))
      .run();
  }

  /** Every run still marked running (few at any time; indexed by status). */
  running(): AbandonedRun[] {
    return this.db
      .select({ id: runs.id, pid: runs.pid, host: runs.host, heartbeatAt: runs.heartbeatAt })
      .from(runs)
      .where(eq(runs.status, 'running'))
      .all();
  }

  /** Marks runs whose process is gone as interrupted (only if they are still marked running). */
  markInterrupted(ids: string[], summary: string, finishedAt: string): void {
    if (ids.length === 0) return;
    this.db
      .update(runs)
      .set({ status: 'interrupted', summary, finishedAt })
      .where(and(inArray(runs.id, ids), eq(runs.status, 'running')))
      .run();
  }

  /** Idempotent per (run, idx) so a step can be written when it starts and again when it ends. */
  saveStep(step: NewRunStep): void {
    const { runId, idx, ...rest } = step;
    this.db
      .insert(runSteps)
      .values(step)
      .onConflictDoUpdate({ target: [runSteps.runId, runSteps.idx], set: rest })
      .run();
  }

  finish(id: string, status: RunStatus, summary: string | null, finishedAt: string): void {
    this.db.update(runs).set({ status, summary, finishedAt }).where(eq(runs.id, id)).run();
  }

  list(userId: string, limit: number): RunRow[] {
    return this.db
      .select()
      .from(runs)
      .where(eq(runs.userId, userId))
      .orderBy(desc(runs.startedAt))
      .limit(limit)
      .all();
  }

  /**
   * The user's runs whose id starts with `prefix` (at most `limit`), so users can type a short id.
   * A range on the primary key (prefix ≤ id < prefix with its last character bumped), so the
   * lookup is an index seek however many runs there are; ids are ASCII, so the range is exact.
   * The user test is written `+user_id` so SQLite cannot pick the (user, started) index for it
   * instead: without statistics it prefers an equality to a range, and would scan every run of
   * the user.
   */
  findByPrefix(userId: string, prefix: string, limit: number): RunRow[] {
    if (!RUN_ID_PREFIX.test(prefix)) return [];
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return this.db
      .select()
      .from(runs)
      .where(and(gte(runs.id, prefix), lt(runs.id, upper), sql`+${runs.userId} = ${userId}`))
      .orderBy(asc(runs.id))
      .limit(limit)
      .all();
  }

  get(userId: string, id: string): RunRow | undefined {
    return this.db
      .select()
      .from(runs)
      .where(and(eq(runs.id, id), eq(runs.userId, userId)))
      .get();
  }

  /** Deletes one of the user's runs and its steps; false when the user has no such run. */
  delete(userId: string, id: string): boolean {
    const deleted = this.db
      .delete(runs)
      .where(and(eq(runs.id, id), eq(runs.userId, userId)))
      .returning({ id: runs.id })
      .all();
    return deleted.length > 0;
  }

  /**
   * Deletes the user's finished runs started before `before` (ISO time), steps included; returns
   * their ids. A run still in progress keeps writing its steps, so it is never pruned.
   */
  prune(userId: string, before: string): string[] {
    return this.db
      .delete(runs)
      .where(and(eq(runs.userId, userId), lt(runs.startedAt, before), ne(runs.status, 'running')))
      .returning({ id: runs.id })
      .all()
      .map((r) => r.id);
  }

  steps(runId: string): RunStepRow[] {
    return this.db.select().from(runSteps).where(eq(runSteps.runId, runId)).orderBy(asc(runSteps.idx)).all();
  }
}
