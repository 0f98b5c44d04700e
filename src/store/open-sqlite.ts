/**
 * The default database: one SQLite file, opened with private permissions, WAL, a busy timeout and
 * the schema migrated. better-sqlite3 is synchronous and this process has one connection, so a
 * transaction holds the connection: statements from elsewhere in the process wait until it ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { GagentError } from '../errors.js';
import type { Database, Db } from './database.js';
import { busyError, isBusyError } from './db-errors.js';
import { freeReserve, keepReserve } from './disk-reserve.js';
import { migrate, schemaVersion } from './migrate.js';
import { announceByFile, queuedSignalFile, watchSignalFile } from './queued-signal-file.js';
import { tables } from './schema-sqlite.js';

const BUSY_TIMEOUT_MS = 5_000;

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

function notPrivate(dir: string, why: string): GagentError {
  return new GagentError(
    `gagent will not keep its database in ${dir}: ${why}.`,
    undefined,
    'Set GAGENT_HOME (or DB_URL) to a directory of your own.',
  );
}

/**
 * The database directory is private: created 0700, or — when it already exists with group or
 * other write bits — tightened to 0700 if it is ours and not a shared directory, else refused
 * (anyone who can write there could plant a link where the database will be).
 */
function ensurePrivateDir(dir: string, notices: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
    } catch (err) {
      throw storageError(dir, err);
    }
    return;
  }
  if (!stat.isDirectory()) throw notPrivate(dir, 'it is not a directory');
  if (process.platform === 'win32' || (stat.mode & GROUP_OR_OTHER_WRITE) === 0) return;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw notPrivate(dir, 'it is writable by other users and belongs to someone else');
  if (stat.mode & STICKY) throw notPrivate(dir, 'it is a shared directory that every user can write to');
  try {
    fs.chmodSync(dir, 0o700);
  } catch (err) {
    throw storageError(dir, err);
  }
  notices.push(`${dir} was writable by other users; gagent made it private (mode 0700).`);
}

function refuseLink(file: string): GagentError {
  return new GagentError(
    `${file} is a symbolic link; gagent does not follow a link at its database path.`,
    undefined,
    'Remove the link (or set GAGENT_HOME to another directory).',
  );
}

/** Creates or opens the file without following a symlink, and makes it 0600 through the open descriptor. */
function ensurePrivateFile(file: string): void {
  for (const companion of [`${file}-wal`, `${file}-shm`, `${file}-journal`, queuedSignalFile(file)]) {
    if (fs.lstatSync(companion, { throwIfNoEntry: false })?.isSymbolicLink()) throw refuseLink(companion);
  }
  let fd: number;
  try {
    fd = fs.openSync(
      file,
      fs.constants.O_CREAT | fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0),
      0o600,
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOOP') throw refuseLink(file);
    throw storageError(file, err);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new GagentError(`${file} is not a regular file.`);
    fs.fchmodSync(fd, 0o600);
  } catch (err) {
    if (err instanceof GagentError) throw err;
    throw storageError(file, err);
  } finally {
    fs.closeSync(fd);
  }
}

function storageError(target: string, err: unknown): GagentError {
  const code = (err as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new GagentError(
      `Cannot write gagent's data at ${target}: permission denied.`,
      undefined,
      'Set GAGENT_HOME (or DB_URL) to a writable directory.',
      { cause: err },
    );
  }
  return new GagentError(
    `Cannot open gagent's data at ${target}: ${(err as Error).message}.`,
    undefined,
    undefined,
    {
      cause: err,
    },
  );
}

class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly tables = tables;
  private readonly db: Db;
  /** Settles when the transaction in progress (if any) ends. */
  private idle: Promise<void> = Promise.resolve();

  /** The file's identity when it was opened. */
  private readonly opened: { dev: number; ino: number };

  constructor(
    private readonly sqlite: Sqlite.Database,
    readonly location: string,
    readonly notices: readonly string[],
  ) {
    const stat = fs.statSync(location);
    this.opened = { dev: stat.dev, ino: stat.ino };
    // Typed as PostgreSQL's (database.ts); the statements used exist in both.
    this.db = drizzle(sqlite) as unknown as Db;
  }

  async query<T>(statement: (db: Db) => PromiseLike<T>): Promise<T> {
    await this.idle;
    return statement(this.db);
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const before = this.idle;
    let done!: () => void;
    this.idle = new Promise<void>((resolve) => {
      done = resolve;
    });
    await before;
    try {
      this.sqlite.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.db);
        this.sqlite.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        throw err;
      }
    } catch (err) {
      if (isBusyError(err)) throw busyError(this.location, err);
      throw err;
    } finally {
      done();
    }
  }

  replacedOnDisk(): boolean {
    const now = fs.statSync(this.location, { throwIfNoEntry: false });
    return !now || now.dev !== this.opened.dev || now.ino !== this.opened.ino;
  }

  keepReserve(): void {
    keepReserve(this.location);
  }

  freeReserve(): void {
    freeReserve(this.location);
  }

  async announceRunQueued(): Promise<void> {
    announceByFile(queuedSignalFile(this.location));
  }

  async onRunQueued(listener: () => void): Promise<() => Promise<void>> {
    const stop = watchSignalFile(queuedSignalFile(this.location), listener);
    return async () => stop();
  }

  async schemaVersion(): Promise<number> {
    return schemaVersion(this.sqlite);
  }

  async engineVersion(): Promise<string> {
    const row = this.sqlite.prepare('select sqlite_version() as v').get() as { v: string };
    return `SQLite ${row.v}`;
  }

  async close(): Promise<void> {
    await this.idle;
    if (this.sqlite.open) this.sqlite.close();
  }
}

/** Blocks the thread for `ms` (opening is synchronous, and this wait is short and rare). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Turns WAL on. On a brand-new file two processes opening at once both hold a shared lock and
 * both ask for more; SQLite refuses one at once (no busy wait: that would deadlock), so it tries
 * again in a moment, by when the other has made the file a WAL database.
 */
function switchToWal(sqlite: Sqlite.Database): void {
  for (let attempt = 0; ; attempt++) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!isBusyError(err) || attempt >= 20) throw err;
      pause(25 + Math.floor(Math.random() * 50));
    }
  }
}

export function openSqlite(file: string): Database {
  const notices: string[] = [];
  ensurePrivateDir(path.dirname(file), notices);
  ensurePrivateFile(file);
  let sqlite: Sqlite.Database;
  try {
    sqlite = new Sqlite(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw storageError(file, err);
  }
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    switchToWal(sqlite);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    migrate(sqlite);
  } catch (err) {
    sqlite.close();
    if (isBusyError(err)) throw busyError(file, err);
    if (err instanceof GagentError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new GagentError(
        `The database ${file} is damaged or is not a gagent database.`,
        undefined,
        'Move it aside (gagent then starts a new, empty one), or set GAGENT_HOME (or DB_URL) to another place.',
        { cause: err },
      );
    }
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN')
      throw storageError(file, { ...(err as object), code: 'EACCES' });
    throw err;
  }
  keepReserve(file);
  return new SqliteDatabase(sqlite, file, notices);
}
