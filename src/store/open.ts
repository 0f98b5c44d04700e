/** Opens the SQLite file: private permissions, WAL, busy timeout, schema migrated. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { GagentError } from '../errors.js';
import { migrate } from './migrate.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenedDatabase {
  sqlite: Database.Database;
  db: Db;
  path: string;
}

const BUSY_TIMEOUT_MS = 5_000;

function ensurePrivateDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  try {
    // Only a directory we create is ours to lock down; never chmod a directory the user pointed us at.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  } catch (err) {
    throw storageError(dir, err);
  }
}

function ensurePrivateFile(file: string): void {
  try {
    const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_RDWR, 0o600);
    fs.closeSync(fd);
    fs.chmodSync(file, 0o600);
  } catch (err) {
    throw storageError(file, err);
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

export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

export function busyError(file: string, err: unknown): GagentError {
  return new GagentError(
    `The database ${file} is locked by another gagent process.`,
    undefined,
    'Wait for it to finish and try again.',
    { cause: err },
  );
}

export function openDatabase(file: string): OpenedDatabase {
  ensurePrivateDir(path.dirname(file));
  ensurePrivateFile(file);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw storageError(file, err);
  }
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    migrate(sqlite);
  } catch (err) {
    sqlite.close();
    if (isBusyError(err)) throw busyError(file, err);
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN')
      throw storageError(file, { ...(err as object), code: 'EACCES' });
    throw err;
  }
  return { sqlite, db: drizzle(sqlite, { schema }), path: file };
}
