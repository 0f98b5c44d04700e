/**
 * Applies drizzle/pg's migrations to a PostgreSQL database. The version lives in a one-table
 * ledger; the work runs in one transaction under a transaction-level advisory lock, re-reading
 * the version once it holds the lock, so two processes migrating at once apply each step once.
 */
import type pg from 'pg';
import { latestSchemaVersion, loadMigrations, migrationsDir, newerSchemaError } from './migrate.js';

/** An arbitrary constant naming gagent's migration lock among the server's advisory locks. */
const MIGRATION_LOCK = 704_319_522;

const LEDGER = `create table if not exists gagent_schema_migrations (
  version integer primary key,
  tag text not null,
  applied_at text not null
)`;

export async function pgSchemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>(
    "select to_regclass('gagent_schema_migrations')::text as t",
  );
  if (!exists.rows[0]?.t) return 0;
  const row = await client.query<{ v: number | null }>(
    'select max(version) as v from gagent_schema_migrations',
  );
  return Number(row.rows[0]?.v ?? 0);
}

export async function migratePg(client: pg.ClientBase, where: string): Promise<number> {
  const dir = migrationsDir('pg');
  const latest = latestSchemaVersion(dir);
  const current = await pgSchemaVersion(client);
  if (current > latest) throw newerSchemaError(where, current, latest);
  if (current === latest) return current;
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(LEDGER);
    const locked = await pgSchemaVersion(client);
    for (const migration of loadMigrations(dir)) {
      if (migration.version <= locked) continue;
      for (const statement of migration.statements) await client.query(statement);
      await client.query(
        'insert into gagent_schema_migrations (version, tag, applied_at) values ($1, $2, $3)',
        [migration.version, migration.tag, new Date().toISOString()],
      );
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
  return latest;
}
