/**
 * One open database, whichever the dialect: the repositories see only this. Statements are written
 * once with Drizzle against PostgreSQL's types (the stricter of the two: SQLite's synchronous extras
 * are out of reach) and run on either.
 */
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Tables } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

/** A Drizzle database (or transaction) typed as PostgreSQL's; on SQLite, SQLite's at run time. */
export type Db = NodePgDatabase<Record<string, never>>;

export interface Database {
  readonly dialect: Dialect;
  /** The dialect's tables (built from the one description in tables.ts). */
  readonly tables: Tables;
  /** Where the data is, for people: a file path, or a URL without its password. */
  readonly location: string;
  /** One-line notices from opening (a loose directory that was tightened). */
  readonly notices: readonly string[];
  /**
   * Runs one statement outside any transaction. On SQLite (one connection per process) it waits
   * for a transaction in progress to end, so it never lands inside someone else's.
   */
  query<T>(statement: (db: Db) => PromiseLike<T>): Promise<T>;
  /** Runs `work` as one transaction: all of its statements (made with `tx`) land, or none do. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Tells the processes waiting in `onRunQueued` — on any machine sharing this database — that a
   * run was queued. Best effort: a lost signal costs a waiting worker one poll interval.
   */
  announceRunQueued(): Promise<void>;
  /** Calls `listener` whenever a run is announced; resolves to a function that stops listening. */
  onRunQueued(listener: () => void): Promise<() => Promise<void>>;
  /**
   * True when the file this process opened is no longer the one at its path (deleted, or replaced
   * by another): what it writes from then on, nobody will read. Always false on PostgreSQL.
   */
  replacedOnDisk(): boolean;
  /**
   * Keeps room beside a SQLite database for recording how a run ended on a full disk (made at
   * open; made again by a long-lived process before each run, once there is space), and gives it
   * back when the disk is full. Nothing on PostgreSQL: the disk is the server's.
   */
  keepReserve(): void;
  freeReserve(): void;
  /** The schema version this database is at. */
  schemaVersion(): Promise<number>;
  /** The database engine and its version ("SQLite 3.50.2", "PostgreSQL 15.14"). */
  engineVersion(): Promise<string>;
  close(): Promise<void>;
}
