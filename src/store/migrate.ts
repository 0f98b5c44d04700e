/**
 * Applies the SQL that drizzle-kit generated into drizzle/<dialect>/. drizzle-orm's own migrator
 * reads the applied list before taking a lock (two fresh processes race) and hashes every file on
 * every open (start-up cost), so this one keeps the version in PRAGMA user_version (SQLite) and
 * migrates under BEGIN IMMEDIATE, re-checking once it holds the write lock. PostgreSQL's
 * migrator (migrate-pg.ts) reads the same journals.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

import { GagentError } from '../errors.js';
import { packageRoot } from '../package-root.js';

/** Where drizzle-kit wrote a dialect's migrations. */
export function migrationsDir(dialect: 'sqlite' | 'pg'): string {
  return path.join(packageRoot(import.meta.url), 'drizzle', dialect);
}

const MIGRATIONS_DIR = migrationsDir('sqlite');

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** drizzle-kit's journal, checked by hand (zod is too slow to load on every command's start-up path). */
function readJournal(dir: string): Journal {
  const raw: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8'));
  const entries = (raw as { entries?: unknown }).entries;
  const valid =
    Array.isArray(entries) &&
    entries.every(
      (e) =>
        Number.isInteger((e as { idx?: unknown }).idx) && typeof (e as { tag?: unknown }).tag === 'string',
    );
  if (!valid) throw new Error(`The migration journal in ${dir} is malformed; reinstall gagent.`);
  return { entries: entries as Journal['entries'] };
}

export interface Migration {
  version: number;
  tag: string;
  statements: string[];
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readJournal(dir)
    .entries.sort((a, b) => a.idx - b.idx)
    .map((entry) => ({
      version: entry.idx + 1,
      tag: entry.tag,
      statements: fs
        .readFileSync(path.join(dir, `${entry.tag}.sql`), 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter(Boolean),
    }));
}

/** The number of migrations the code knows; cheap (reads only the journal). */
export function latestSchemaVersion(dir = MIGRATIONS_DIR): number {
  return readJournal(dir).entries.length;
}

export function schemaVersion(sqlite: Database.Database): number {
  return sqlite.pragma('user_version', { simple: true }) as number;
}

export function newerSchemaError(where: string, current: number, latest: number): GagentError {
  return new GagentError(
    `The database ${where} was written by a newer gagent (schema ${current}; this one knows up to ${latest}).`,
    undefined,
    'Upgrade gagent, or set GAGENT_HOME (or DB_URL) to another place.',
  );
}

/** Brings the SQLite database to the latest schema. Returns the version it ends at. */
export function migrate(sqlite: Database.Database, dir = MIGRATIONS_DIR): number {
  const latest = latestSchemaVersion(dir);
  const current = schemaVersion(sqlite);
  if (current > latest) throw newerSchemaError(sqlite.name, current, latest);
  if (current === latest) return current;

  const migrations = loadMigrations(dir);
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    // Another process may have migrated while we waited for the lock.
    const locked = schemaVersion(sqlite);
    for (const migration of migrations) {
      if (migration.version <= locked) continue;
      for (const statement of migration.statements) sqlite.exec(statement);
      sqlite.pragma(`user_version = ${migration.version}`);
    }
    sqlite.exec('COMMIT');
  } catch (err) {
    sqlite.exec('ROLLBACK');
    throw err;
  }
  return latest;
}
