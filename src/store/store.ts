/**
 * One open database and its repositories; created per command, closed when it ends. SQLite by
 * default; PostgreSQL when DB_URL says so (its driver is loaded only then).
 */
import { count } from 'drizzle-orm';
import type { DatabaseLocation } from '../config.js';
import { AccountRepository } from './accounts.js';
import { ApprovalRepository } from './approvals.js';
import { ArtifactRepository } from './artifacts.js';
import type { Database, Db, Dialect } from './database.js';
import { openSqlite } from './open-sqlite.js';
import { PendingRepository } from './pending.js';
import { RunRepository } from './runs.js';
import { SyncRepository } from './sync.js';
import type { Tables } from './tables.js';
import { WorkerRepository } from './workers.js';

const TABLES = {
  users: 'users',
  auth_configs: 'authConfigs',
  connected_accounts: 'connectedAccounts',
  mcp_connections: 'mcpConnections',
  sync_state: 'syncState',
  oauth_pending: 'oauthPending',
  runs: 'runs',
  run_steps: 'runSteps',
  tool_approvals: 'toolApprovals',
  step_artifacts: 'stepArtifacts',
  workers: 'workers',
} as const satisfies Record<string, keyof Tables>;

export type TableName = keyof typeof TABLES;

export class Store {
  readonly accounts: AccountRepository;
  readonly sync: SyncRepository;
  readonly pending: PendingRepository;
  readonly runs: RunRepository;
  readonly approvals: ApprovalRepository;
  readonly artifacts: ArtifactRepository;
  readonly workers: WorkerRepository;

  private constructor(private readonly database: Database) {
    this.accounts = new AccountRepository(database);
    this.sync = new SyncRepository(database);
    this.pending = new PendingRepository(database);
    this.runs = new RunRepository(database);
    this.approvals = new ApprovalRepository(database);
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

  async rowCounts(): Promise<Record<TableName, number>> {
    const counts = {} as Record<TableName, number>;
    for (const [name, key] of Object.entries(TABLES) as [TableName, keyof Tables][]) {
      const table = this.database.tables[key];
      const rows = await this.database.query((db) => db.select({ n: count() }).from(table));
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
