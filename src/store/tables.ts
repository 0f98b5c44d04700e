/**
 * The whole schema, described once for both dialects (ARCHITECTURE.md, Data): SQLite (the default)
 * and PostgreSQL (DB_URL=postgres://…) build their tables from this one function, so the two cannot
 * drift. Timestamps are ISO-8601 UTC strings in both. drizzle-kit generates drizzle/sqlite and
 * drizzle/pg from schema-sqlite.ts and schema-pg.ts, which only call this.
 *
 * The kit is typed as PostgreSQL's builders — the stricter of the two, so the repositories can only
 * use what both dialects have — and SQLite passes its own builders, which take the same calls.
 */
import type { SQL } from 'drizzle-orm';
import type * as pg from 'drizzle-orm/pg-core';
import type { AccountStatus } from '../domain/accounts.js';
import type { RunStatus, StepKind } from '../domain/run.js';
import { defineMcpTables } from './tables-mcp.js';

type BytesColumn = ReturnType<ReturnType<typeof pg.customType<{ data: Buffer; driverData: Buffer }>>>;

/** What a dialect supplies to build the tables. */
export interface DialectKit {
  table: typeof pg.pgTable;
  text: typeof pg.text;
  integer: typeof pg.integer;
  /** A JSON document (SQLite: text in JSON mode; PostgreSQL: jsonb). */
  json: typeof pg.jsonb;
  /** Binary data (SQLite: blob; PostgreSQL: bytea). */
  bytes: (name: string) => BytesColumn;
  index: typeof pg.index;
  uniqueIndex: typeof pg.uniqueIndex;
  primaryKey: typeof pg.primaryKey;
  /** The current time as an ISO-8601 UTC string, in the dialect's SQL. */
  now: SQL;
}

export function defineTables(k: DialectKit) {
  const { table, text, integer, json, bytes, index, uniqueIndex, primaryKey, now } = k;

  const users = table('users', {
    id: text('id').primaryKey(),
    createdAt: text('created_at').notNull().default(now),
  });

  const authConfigs = table('auth_configs', {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    toolkitSlug: text('toolkit_slug').notNull(),
    authScheme: text('auth_scheme'),
    status: text('status').notNull(),
    updatedAt: text('updated_at').notNull().default(now),
  });

  const connectedAccounts = table(
    'connected_accounts',
    {
      id: text('id').primaryKey(),
      userId: text('user_id')
        .notNull()
        .references(() => users.id),
      authConfigId: text('auth_config_id')
        .notNull()
        .references(() => authConfigs.id),
      provider: text('provider').notNull(),
      status: text('status').$type<AccountStatus>().notNull(),
      updatedAt: text('updated_at').notNull().default(now),
    },
    (t) => [
      uniqueIndex('connected_accounts_user_auth_config').on(t.userId, t.authConfigId),
      index('connected_accounts_user_provider').on(t.userId, t.provider),
    ],
  );

  const mcpConnections = table(
    'mcp_connections',
    {
      id: text('id').primaryKey(),
      userId: text('user_id')
        .notNull()
        .references(() => users.id),
      provider: text('provider').notNull(),
      connectedAccountId: text('connected_account_id'),
      url: text('url'),
      /** Non-secret headers only (account and auth-config ids); the API key is added at call time. */
      headers: json('headers').$type<Record<string, string>>(),
      status: text('status').$type<AccountStatus>().notNull(),
      updatedAt: text('updated_at').notNull().default(now),
    },
    (t) => [uniqueIndex('mcp_connections_user_provider').on(t.userId, t.provider)],
  );

  const syncState = table(
    'sync_state',
    {
      userId: text('user_id').notNull(),
      provider: text('provider').notNull(),
      lastSyncedAt: text('last_synced_at').notNull(),
      lastStatus: text('last_status').$type<AccountStatus>().notNull(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.provider] })],
  );

  const oauthPending = table(
    'oauth_pending',
    {
      state: text('state').primaryKey(),
      userId: text('user_id').notNull(),
      provider: text('provider').notNull(),
      authConfigId: text('auth_config_id'),
      connectedAccountId: text('connected_account_id'),
      redirectUrl: text('redirect_url'),
      callbackUrl: text('callback_url'),
      createdAt: text('created_at').notNull().default(now),
      expiresAt: text('expires_at').notNull(),
    },
    (t) => [index('oauth_pending_user_provider').on(t.userId, t.provider)],
  );

  const runs = table(
    'runs',
    {
      id: text('id').primaryKey(),
      userId: text('user_id').notNull(),
      task: text('task').notNull(),
      status: text('status').$type<RunStatus>().notNull(),
      model: text('model').notNull(),
      controller: text('controller').notNull(),
      startedAt: text('started_at').notNull().default(now),
      finishedAt: text('finished_at'),
      /** Why the run ended, in one sentence (fail reason, error, max steps). */
      summary: text('summary'),
      /** The process running it, and where (shown to the user). */
      pid: integer('pid'),
      host: text('host'),
      /**
       * Where that pid means that process: the machine's boot and its PID namespace. Only a run of
       * the same scope is judged by its pid; any other only by its heartbeat.
       */
      pidScope: text('pid_scope'),
      /** The attempt carrying the run out now (random, one per attempt): only it may write the run. */
      owner: text('owner'),
      /** Someone asked for the run to stop after its current step (gagent runs cancel). */
      cancelRequestedAt: text('cancel_requested_at'),
      /** The exit code `gagent run` gave or would have given (a submitted run's, for run --wait). */
      exitCode: integer('exit_code'),
      /** Refreshed while the run is alive; a stale one means its process died on another machine. */
      heartbeatAt: text('heartbeat_at'),
      /** A submitted run (gagent run --submit, the API): when it was queued, and how to run it. */
      queuedAt: text('queued_at'),
      options: json('options').$type<unknown>(),
      /** How many times a submitted run was started again after its worker died. */
      retried: integer('retried').notNull().default(0),
      /**
       * The Idempotency-Key a submit through the API came with: unique per user, so a retried
       * submit finds this run instead of queuing another (NULLs, runs without a key, never clash).
       */
      idempotencyKey: text('idempotency_key'),
    },
    (t) => [
      index('runs_user_started').on(t.userId, t.startedAt),
      index('runs_status').on(t.status),
      uniqueIndex('runs_user_idempotency_key').on(t.userId, t.idempotencyKey),
    ],
  );

  const runSteps = table(
    'run_steps',
    {
      runId: text('run_id')
        .notNull()
        .references(() => runs.id, { onDelete: 'cascade' }),
      idx: integer('idx').notNull(),
      kind: text('kind').$type<StepKind>().notNull(),
      plan: text('plan'),
      action: json('action').$type<unknown>(),
      outcome: json('outcome').$type<unknown>(),
      reflection: text('reflection'),
      durationMs: integer('duration_ms'),
      /** For an MCP step: whether the call was allowed and who decided (user, --yes, remembered, policy, read-only). */
      approval: json('approval').$type<unknown>(),
    },
    (t) => [primaryKey({ columns: [t.runId, t.idx] })],
  );

  /**
   * What a step leaves besides its row: today the screenshot the model saw, downscaled and
   * compressed. Deleting a run (runs delete, runs prune) deletes its pictures with it.
   */
  const stepArtifacts = table(
    'step_artifacts',
    {
      runId: text('run_id')
        .notNull()
        .references(() => runs.id, { onDelete: 'cascade' }),
      idx: integer('idx').notNull(),
      kind: text('kind').$type<'screenshot'>().notNull(),
      mediaType: text('media_type').notNull(),
      /** The stored image's size, and the screen's (the space of the step's coordinates). */
      width: integer('width').notNull(),
      height: integer('height').notNull(),
      screenWidth: integer('screen_width').notNull(),
      screenHeight: integer('screen_height').notNull(),
      bytes: integer('bytes').notNull(),
      data: bytes('data').notNull(),
      createdAt: text('created_at').notNull().default(now),
    },
    (t) => [primaryKey({ columns: [t.runId, t.idx, t.kind] })],
  );

  /**
   * "Always" approvals of MCP tools, per user, server and tool. Tied to a digest of the tool's
   * definition: a server that changes the tool (its description, schema or annotations) is asked
   * about again. The definition is kept to say what changed.
   */
  const toolApprovals = table(
    'tool_approvals',
    {
      userId: text('user_id').notNull(),
      server: text('server').notNull(),
      tool: text('tool').notNull(),
      digest: text('digest').notNull(),
      definition: json('definition').$type<unknown>().notNull(),
      /** scheme://host:port of the server when approved. */
      origin: text('origin').notNull(),
      createdAt: text('created_at').notNull().default(now),
    },
    (t) => [primaryKey({ columns: [t.userId, t.server, t.tool] })],
  );

  /**
   * The gagent worker processes on this database, each seen every few seconds while it runs (so
   * `gagent run --submit` can say when nobody will take the run). Not users' data: no user id.
   */
  const workers = table('workers', {
    id: text('id').primaryKey(),
    host: text('host').notNull(),
    pid: integer('pid').notNull(),
    startedAt: text('started_at').notNull(),
    seenAt: text('seen_at').notNull(),
  });

  return {
    users,
    authConfigs,
    connectedAccounts,
    mcpConnections,
    syncState,
    oauthPending,
    runs,
    runSteps,
    stepArtifacts,
    toolApprovals,
    workers,
    ...defineMcpTables(k),
  };
}

export type Tables = ReturnType<typeof defineTables>;
