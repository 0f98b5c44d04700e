/** runs and run_steps: the history of `gagent run`, written step by step as it happens. */
import { and, asc, desc, eq, gte, inArray, like, lt, ne, notInArray, sql } from 'drizzle-orm';
import type { RunRequest, RunStatus, StepKind } from '../domain/run.js';
import type { Database } from './database.js';
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

/** A process as other processes can tell whether it is alive: its pid, where that pid means it, and its machine. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** The machine's boot and PID namespace (null where unknown): only there does the pid name this process. */
  pidScope: string | null;
}

/**
 * One attempt at a run: the process carrying it out and a random token of its own. A run's writes
 * land only while the row is still this attempt's and running, so an attempt that was given up
 * for dead (and queued again, or taken by another worker) cannot write over its successor.
 */
export interface RunOwner extends ProcessIdentity {
  token: string;
}

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

/** What a submit queued, or the run already submitted under its idempotency key. */
export interface SubmittedRun {
  id: string;
  /** False when the run was already there under the same key. */
  created: boolean;
  status: RunStatus;
  /** The request the run was submitted with. */
  options: unknown;
}

function ownerColumns(owner: RunOwner) {
  return { pid: owner.pid, host: owner.host, pidScope: owner.pidScope, owner: owner.token };
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
        .onConflictDoUpdate({ target: runs.id, set: row, setWhere: this.ownedBy(id, owner) })
        .returning({ id: runs.id }),
    );
    return written.length > 0;
  }

  /** The run is still this attempt's, and still running: the condition of every write of a run. */
  private ownedBy(id: string, owner: RunOwner) {
    const runs = this.runs;
    return and(eq(runs.id, id), eq(runs.owner, owner.token), eq(runs.status, 'running'));
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
      db.update(runs).set({ heartbeatAt: at }).where(this.ownedBy(id, owner)),
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
   * Idempotent per (run, idx) so a step can be written when it starts and again when it ends.
   * False (nothing written) when the run is no longer this attempt's; the check and the write are
   * one transaction, with the run's row locked against a requeue on PostgreSQL.
   */
  async saveStep(step: NewRunStep, owner: RunOwner): Promise<boolean> {
    const { runId, idx, ...rest } = step;
    const { runs, stepTable: t } = this;
    const postgres = this.database.dialect === 'postgres';
    return this.database.transaction(async (tx) => {
      const owned = tx.select({ id: runs.id }).from(runs).where(this.ownedBy(runId, owner)).limit(1);
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
      const owned = tx.select({ id: runs.id }).from(runs).where(this.ownedBy(runId, owner)).limit(1);
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
        .where(this.ownedBy(id, owner))
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
