/** runs and run_steps: the history of `gagent run`, written step by step as it happens (the queue of submitted runs: run-queue.ts). */
import { and, asc, desc, eq, gte, like, lt, ne, notInArray, sql } from 'drizzle-orm';
import type { RunStatus, StepKind } from '../domain/run.js';
import type { Database } from './database.js';
import { ownedBy, ownerColumns, type RunOwner } from './run-owner.js';
import type { Tables } from './tables.js';

export type RunRow = Tables['runs']['$inferSelect'];

/** What a run id (or the start of one) can contain; anything else matches no run. */
const RUN_ID_PREFIX = /^[A-Za-z0-9_-]{1,64}$/;
export type RunStepRow = Tables['runSteps']['$inferSelect'];

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
  approval: unknown;
  durationMs: number | null;
}

export class RunRepository {
  private readonly runs: Tables['runs'];
  private readonly stepTable: Tables['runSteps'];

  constructor(private readonly database: Database) {
    this.runs = database.tables.runs;
    this.stepTable = database.tables.runSteps;
  }

  /**
   * Records a run starting; a submitted run this attempt claimed becomes this one. False when the
   * run exists but is no longer this attempt's.
   */
  async create(run: NewRun, owner: RunOwner): Promise<boolean> {
    const runs = this.runs;
    const { id, ...rest } = run;
    const row = { ...rest, ...ownerColumns(owner), status: 'running' as const, heartbeatAt: run.startedAt };
    const written = await this.database.query((db) =>
      db
        .insert(runs)
        .values({ id, ...row })
        .onConflictDoUpdate({ target: runs.id, set: row, setWhere: ownedBy(this.runs, id, owner) })
        .returning({ id: runs.id }),
    );
    return written.length > 0;
  }

  /**
   * Idempotent per (run, idx) so a step can be written when it starts and again when it ends.
   * False (nothing written) when the run is no longer this attempt's; the check and the write are
   * one transaction, with the run's row locked against a requeue on PostgreSQL.
   */
  async saveStep(step: NewRunStep, owner: RunOwner): Promise<boolean> {
    const { runId, idx, ...rest } = step;
    const { runs, stepTable: t } = this;
    const postgres = this.database.dialect === 'postgres';
    return this.database.transaction(async (tx) => {
      const owned = tx
        .select({ id: runs.id })
        .from(runs)
        .where(ownedBy(this.runs, runId, owner))
        .limit(1);
      const [row] = await (postgres ? owned.for('share') : owned);
      if (!row) return false;
      await tx
        .insert(t)
        .values(step)
        .onConflictDoUpdate({ target: [t.runId, t.idx], set: rest });
      return true;
    });
  }

  /** The reviewer's verdict on a saved step; false when the run is no longer this attempt's. */
  async saveReflection(runId: string, idx: number, reflection: string, owner: RunOwner): Promise<boolean> {
    const { runs, stepTable: t } = this;
    const postgres = this.database.dialect === 'postgres';
    return this.database.transaction(async (tx) => {
      const owned = tx
        .select({ id: runs.id })
        .from(runs)
        .where(ownedBy(this.runs, runId, owner))
        .limit(1);
      const [row] = await (postgres ? owned.for('share') : owned);
      if (!row) return false;
      await tx
        .update(t)
        .set({ reflection })
        .where(and(eq(t.runId, runId), eq(t.idx, idx)));
      return true;
    });
  }

  /** Records how the run ended; false when the run is no longer this attempt's. */
  async finish(
    id: string,
    status: RunStatus,
    summary: string | null,
    finishedAt: string,
    owner: RunOwner,
    exitCode: number | null = null,
  ): Promise<boolean> {
    const runs = this.runs;
    const written = await this.database.query((db) =>
      db
        .update(runs)
        .set({ status, summary, finishedAt, exitCode })
        .where(ownedBy(this.runs, id, owner))
        .returning({ id: runs.id }),
    );
    return written.length > 0;
  }

  async list(userId: string, limit: number): Promise<RunRow[]> {
    const runs = this.runs;
    return this.database.query((db) =>
      db.select().from(runs).where(eq(runs.userId, userId)).orderBy(desc(runs.startedAt)).limit(limit),
    );
  }

  /**
   * The user's runs whose id starts with `prefix` (at most `limit`), so users can type a short id.
   * On SQLite a range on the primary key (prefix ≤ id < prefix with its last character bumped), so
   * the lookup is an index seek however many runs there are; ids are ASCII, so the range is exact.
   * The user test is written `+user_id` so SQLite cannot pick the (user, started) index for it
   * instead: without statistics it prefers an equality to a range, and would scan every run of the
   * user. PostgreSQL plans with statistics; there a LIKE on the key says the same.
   */
  async findByPrefix(userId: string, prefix: string, limit: number): Promise<RunRow[]> {
    if (!RUN_ID_PREFIX.test(prefix)) return [];
    const runs = this.runs;
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const match =
      this.database.dialect === 'sqlite'
        ? and(gte(runs.id, prefix), lt(runs.id, upper), sql`+${runs.userId} = ${userId}`)
        : and(like(runs.id, `${prefix.replaceAll('_', '\\_')}%`), eq(runs.userId, userId));
    return this.database.query((db) =>
      db.select().from(runs).where(match).orderBy(asc(runs.id)).limit(limit),
    );
  }

  async get(userId: string, id: string): Promise<RunRow | undefined> {
    const runs = this.runs;
    const rows = await this.database.query((db) =>
      db
        .select()
        .from(runs)
        .where(and(eq(runs.id, id), eq(runs.userId, userId)))
        .limit(1),
    );
    return rows[0];
  }

  /**
   * Deletes one of the user's runs and its steps (a queued run is thereby cancelled); false when
   * the user has no such run or it is running — tested in the statement, as a worker may take a
   * queued run at any moment.
   */
  async delete(userId: string, id: string): Promise<boolean> {
    const runs = this.runs;
    const deleted = await this.database.query((db) =>
      db
        .delete(runs)
        .where(and(eq(runs.id, id), eq(runs.userId, userId), ne(runs.status, 'running')))
        .returning({ id: runs.id }),
    );
    return deleted.length > 0;
  }

  /**
   * Deletes the user's finished runs started before `before` (ISO time), steps included; returns
   * their ids. A run still in progress keeps writing its steps, and a queued run is yet to happen:
   * neither is pruned.
   */
  async prune(userId: string, before: string): Promise<string[]> {
    const rows = await this.database.query((db) =>
      db.delete(this.runs).where(this.prunableWhere(userId, before)).returning({ id: this.runs.id }),
    );
    return rows.map((r) => r.id);
  }

  /** What `prune` would delete now, oldest first (to ask first, or for a dry run). */
  async prunable(userId: string, before: string): Promise<string[]> {
    const runs = this.runs;
    const rows = await this.database.query((db) =>
      db
        .select({ id: runs.id })
        .from(runs)
        .where(this.prunableWhere(userId, before))
        .orderBy(asc(runs.startedAt)),
    );
    return rows.map((r) => r.id);
  }

  private prunableWhere(userId: string, before: string) {
    const runs = this.runs;
    return and(
      eq(runs.userId, userId),
      lt(runs.startedAt, before),
      notInArray(runs.status, ['running', 'queued']),
    );
  }

  async steps(runId: string): Promise<RunStepRow[]> {
    const t = this.stepTable;
    return this.database.query((db) => db.select().from(t).where(eq(t.runId, runId)).orderBy(asc(t.idx)));
  }
}
