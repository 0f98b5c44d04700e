/**
 * PostgreSQL (DB_URL=postgres://…): a small pg pool, the schema migrated on open under an advisory
 * lock, and the server's refusals turned into one sentence each. Loaded only when DB_URL asks for
 * it, so the SQLite default never pays for the driver.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { GagentError, NotAuthorizedError, UnreachableError, UsageError } from '../errors.js';
import type { Database, Db } from './database.js';
import { migratePg, pgSchemaVersion } from './migrate-pg.js';
import { tables } from './schema-pg.js';

/** The oldest server gagent accepts (ON CONFLICT, jsonb, and advisory locks are all older). */
const MIN_SERVER_VERSION = 120000;
const CONNECT_TIMEOUT_MS = 10_000;
/** The channel that wakes waiting workers when a run is queued. */
const RUN_QUEUED_CHANNEL = 'gagent_run_queued';

/** The URL without its password, for people and logs. */
export function redactDbUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()])
      if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

function target(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return 'the server';
  }
}

function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || '(default)';
  } catch {
    return '(unknown)';
  }
}

/** The server's or the network's refusal as one sentence with its fix (exit 4, 3 or 2). */
export function pgOpenError(err: unknown, url: string): GagentError {
  if (err instanceof GagentError) return err;
  const code = (err as { code?: string }).code;
  const where = target(url);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ECONNRESET':
      return new UnreachableError(
        `Cannot reach the PostgreSQL server at ${where} (${code}).`,
        'Start the server, or fix the host and port in DB_URL.',
        { cause: err },
      );
    case '28P01':
    case '28000':
      return new NotAuthorizedError(
        `The PostgreSQL server at ${where} rejected the user or password in DB_URL.`,
        'Check the user and password in DB_URL (or PGPASSWORD).',
        { cause: err },
      );
    case '3D000':
      return new UsageError(
        `The database "${databaseName(url)}" does not exist on the PostgreSQL server at ${where}.`,
        `Create it (createdb ${databaseName(url)}), or name another database in DB_URL.`,
      );
    case '42501':
      return new NotAuthorizedError(
        `The PostgreSQL user in DB_URL may not create gagent's tables in "${databaseName(url)}" at ${where}.`,
        'Grant it CREATE on the database (or its schema), or use a user that owns it.',
        { cause: err },
      );
    default: {
      const message = err instanceof Error ? err.message : String(err);
      if (/timeout/i.test(message))
        return new UnreachableError(
          `The PostgreSQL server at ${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s.`,
          'Check that the server is up and that DB_URL names the right host and port.',
          { cause: err },
        );
      return new GagentError(`PostgreSQL at ${where} failed: ${message}.`, undefined, undefined, {
        cause: err,
      });
    }
  }
}

class PgDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly tables = tables;
  private readonly db: Db;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly serverVersion: string,
  ) {
    this.db = drizzle(pool) as unknown as Db;
  }

  readonly notices: readonly string[] = [];

  get location(): string {
    return redactDbUrl(this.url);
  }

  query<T>(statement: (db: Db) => PromiseLike<T>): Promise<T> {
    return Promise.resolve(statement(this.db));
  }

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx as unknown as Db));
  }

  replacedOnDisk(): boolean {
    return false;
  }

  // The disk is the server's: nothing of it is kept back here.
  keepReserve(): void {}
  freeReserve(): void {}

  async announceRunQueued(): Promise<void> {
    await this.pool.query(`NOTIFY ${RUN_QUEUED_CHANNEL}`).catch(() => {});
  }

  /**
   * A connection of its own that LISTENs. When it is lost (the server restarted, the session was
   * terminated) it is opened again with back-off, and `listener` is called once it is back, for
   * what was queued meanwhile; until then waiters poll.
   */
  async onRunQueued(listener: () => void): Promise<() => Promise<void>> {
    let client: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let failures = 0;
    const again = (lost: pg.Client) => {
      if (stopped || lost !== client) return;
      client = undefined;
      lost.end().catch(() => {});
      timer = setTimeout(() => void listen(), Math.min(1_000 * 2 ** failures++, 30_000));
      timer.unref();
    };
    const listen = async () => {
      const next = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      client = next;
      next.on('error', () => again(next));
      next.on('end', () => again(next));
      next.on('notification', () => listener());
      try {
        await next.connect();
        await next.query(`LISTEN ${RUN_QUEUED_CHANNEL}`);
        failures = 0;
        listener();
      } catch {
        again(next);
      }
    };
    await listen();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    };
  }

  async schemaVersion(): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await pgSchemaVersion(client);
    } finally {
      client.release();
    }
  }

  async engineVersion(): Promise<string> {
    return `PostgreSQL ${this.serverVersion}`;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 10_000,
    // A pooled connection that dies (the server restarts) must not crash the process.
    allowExitOnIdle: true,
  });
  pool.on('error', () => {});
  // The server ending a connection that a transaction holds between two statements is told to the
  // client, not to a query: unheard, that would crash the process. The transaction's next statement
  // fails instead ("not queryable"), and is tried again as any lost connection is.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    const client = await pool.connect();
    let version: string;
    try {
      const row = await client.query<{ num: string; version: string }>(
        "select current_setting('server_version_num') as num, current_setting('server_version') as version",
      );
      const num = Number(row.rows[0]?.num ?? 0);
      version = String(row.rows[0]?.version ?? '').split(' ')[0] ?? '';
      if (num < MIN_SERVER_VERSION)
        throw new GagentError(
          `The PostgreSQL server at ${target(url)} runs ${version}; gagent needs 12 or newer.`,
          undefined,
          'Upgrade the server, or point DB_URL at a newer one.',
        );
      await migratePg(client, redactDbUrl(url));
    } finally {
      client.release();
    }
    return new PgDatabase(pool, url, version);
  } catch (err) {
    await pool.end().catch(() => {});
    throw pgOpenError(err, url);
  }
}
