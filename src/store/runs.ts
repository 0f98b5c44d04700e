/** runs and run_steps: the history of `gagent run`, written step by step as it happens. */
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { type RunStatus, runSteps, runs, type StepKind } from './schema.js';

export type RunRow = typeof runs.$inferSelect;
export type RunStepRow = typeof runSteps.$inferSelect;

export interface NewRun {
  id: string;
  userId: string;
  task: string;
  model: string;
  controller: string;
  startedAt: string;
}

export interface NewRunStep {
  runId: string;
  idx: number;
  kind: StepKind;
  plan: string | null;
  action: unknown;
  outcome: unknown;
  reflection: string | null;
  durationMs: number | null;
}

export class RunRepository {
  constructor(private readonly db: Db) {}

  create(run: NewRun): void {
    this.db
      .insert(runs)
      .values({ ...run, status: 'running' })
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

  list(userId: string | undefined, limit: number): RunRow[] {
    const query = this.db.select().from(runs);
    const filtered = userId ? query.where(eq(runs.userId, userId)) : query;
    return filtered.orderBy(desc(runs.startedAt)).limit(limit).all();
  }

  /** Runs whose id starts with `prefix` (at most `limit`), so users can type a short id. */
  findByPrefix(prefix: string, limit: number): RunRow[] {
    return this.db
      .select()
      .from(runs)
      .where(sql`substr(${runs.id}, 1, ${prefix.length}) = ${prefix}`)
      .limit(limit)
      .all();
  }

  get(id: string): RunRow | undefined {
    return this.db.select().from(runs).where(eq(runs.id, id)).get();
  }

  steps(runId: string): RunStepRow[] {
    return this.db.select().from(runSteps).where(eq(runSteps.runId, runId)).orderBy(asc(runSteps.idx)).all();
  }
}
