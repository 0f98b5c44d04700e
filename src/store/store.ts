/**
 * One open database and its repositories; created per command, closed when it ends. SQLite by
 * default; PostgreSQL when DB_URL says so (its driver is loaded only then).
 */
import { count, countDistinct, eq, inArray } from 'drizzle-orm';
import type { DatabaseLocation } from '../config.js';
import { AccountRepository } from './accounts.js';
import { ApprovalRepository } from './approvals.js';
import { ArtifactRepository } from './artifacts.js';
import type { Database, Db, Dialect } from './database.js';
import { McpServerRepository } from './mcp-servers.js';
import { openSqlite } from './open-sqlite.js';
import { PendingRepository } from './pending.js';
import { RunQueueRepository } from './run-queue.js';
import { RunRepository } from './runs.js';
import { SyncRepository } from './sync.js';
import type { Tables } from './tables.js';
import { WorkerRepository } from './workers.js';

const TABLES = [
  'users',
  'auth_configs',
  'connected_accounts',
  'mcp_connections',
  'sync_state',
  'oauth_pending',
  'runs',
  'run_steps',
  'tool_approvals',
  'step_artifacts',
  'mcp_servers',
  'mcp_oauth',
] as const;

export type TableName = (typeof TABLES)[number];

/**
 * How to count one user's rows of each table: their own rows, the steps and screenshots of their
 * runs, and the auth configs their accounts use (auth configs belong to the Composio project).
 */
function userRowCount(t: Tables, userId: string, table: TableName) {
  const ofUser = (db: Db) => db.select({ id: t.runs.id }).from(t.runs).where(eq(t.runs.userId, userId));
  return (db: Db) => {
    const n = db.select({ n: count() });
    switch (table) {
      case 'users':
        return n.from(t.users).where(eq(t.users.id, userId));
      case 'auth_configs':
        return db
          .select({ n: countDistinct(t.connectedAccounts.authConfigId) })
          .from(t.connectedAccounts)
          .where(eq(t.connectedAccounts.userId, userId));
      case 'connected_accounts':
        return n.from(t.connectedAccounts).where(eq(t.connectedAccounts.userId, userId));
      case 'mcp_connections':
        return n.from(t.mcpConnections).where(eq(t.mcpConnections.userId, userId));
      case 'sync_state':
        return n.from(t.syncState).where(eq(t.syncState.userId, userId));
      case 'oauth_pending':
        return n.from(t.oauthPending).where(eq(t.oauthPending.userId, userId));
      case 'runs':
        return n.from(t.runs).where(eq(t.runs.userId, userId));
      case 'run_steps':
        return n.from(t.runSteps).where(inArray(t.runSteps.runId, ofUser(db)));
      case 'tool_approvals':
        return n.from(t.toolApprovals).where(eq(t.toolApprovals.userId, userId));
      case 'step_artifacts':
        return n.from(t.stepArtifacts).where(inArray(t.stepArtifacts.runId, ofUser(db)));
      case 'mcp_servers':
        return n.from(t.mcpServers).where(eq(t.mcpServers.userId, userId));
      case 'mcp_oauth':
        return n.from(t.mcpOauth).where(eq(t.mcpOauth.userId, userId));
    }
  };
}

export class Store {
  readonly accounts: AccountRepository;
  readonly sync: SyncRepository;
  readonly pending: PendingRepository;
  readonly runs: RunRepository;
  readonly queue: RunQueueRepository;
  readonly approvals: ApprovalRepository;
  readonly artifacts: ArtifactRepository;
  readonly workers: WorkerRepository;
  readonly mcpServers: McpServerRepository;

  private constructor(private readonly database: Database) {
    this.accounts = new AccountRepository(database);
    this.sync = new SyncRepository(database);
    this.pending = new PendingRepository(database);
    this.runs = new RunRepository(database);
    this.queue = new RunQueueRepository(database);
    this.approvals = new ApprovalRepository(database);
    this.mcpServers = new McpServerRepository(database);
    this.artifacts = new ArtifactRepository(database);
    this.workers = new WorkerRepository(database);
  }

  /** Opens (and migrates) the database: a SQLite file path, or a location from the config. */
  static async open(where: string | DatabaseLocation): Promise<Store> {
    const location: DatabaseLocation = typeof where === 'string' ? { dialect: 'sqlite', path: where } : where;
    if (location.dialect === 'sqlite') return new Store(openSqlite(location.path));
    const { openPostgres } = await import('./open-pg.js');
    return new Store(await openPostgres(location.url));
  }

  get dialect(): Dialect {
    return this.database.dialect;
  }

  /** Where the data is: a file path, or the server's URL without its password. */
  get location(): string {
    return this.database.location;
  }

  /** One-line notices from opening (a loose directory that was tightened). */
  get notices(): readonly string[] {
    return this.database.notices;
  }

  /** True when the SQLite file this process opened was deleted or replaced since. */
  replacedOnDisk(): boolean {
    return this.database.replacedOnDisk();
  }

  /** Keeps room for recording how a run ended on a full disk (see Database); best effort. */
  keepReserve(): void {
    this.database.keepReserve();
  }

  /** The disk is full: gives back the room kept for recording how a run ended. */
  freeReserve(): void {
    this.database.freeReserve();
  }

  schemaVersion(): Promise<number> {
    return this.database.schemaVersion();
  }

  engineVersion(): Promise<string> {
    return this.database.engineVersion();
  }

  /** How many rows of each table are the user's: another user's data is not even counted. */
  async rowCounts(userId: string): Promise<Record<TableName, number>> {
    const counts = {} as Record<TableName, number>;
    for (const name of TABLES) {
      const rows = await this.database.query(userRowCount(this.database.tables, userId, name));
      counts[name] = Number(rows[0]?.n ?? 0);
    }
    return counts;
  }

  /** Runs `work` as one transaction: all of its writes (made with `tx`) land, or none do. */
  transaction<T>(work: (tx: Db, tables: Tables) => Promise<T>): Promise<T> {
    return this.database.transaction((tx) => work(tx, this.database.tables));
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
