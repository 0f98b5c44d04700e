/**
 * A PostgreSQL connection the server ends while a transaction holds it, between two statements:
 * the transaction fails as a lost connection (so the history writer tries it again), the store goes
 * on with a new connection, and the process never crashes on the client's unheard error.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { isTransientDbError } from '../../src/store/db-errors.js';
import { Store } from '../../src/store/store.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { freshPgDatabase } from '../helpers/postgres.js';
import { until } from '../helpers/until.js';

const PG = inject('pgUrl');
const cleanups = cleanupAfterEach();

describe.skipIf(!PG)('a PostgreSQL connection ended under a transaction', () => {
  it('fails that transaction as a lost connection, never the process; the store goes on', async () => {
    const url = (await freshPgDatabase(PG)) as string;
    const store = await Store.open({ dialect: 'postgres', url });
    cleanups.push(() => store.close());
    const admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    cleanups.push(() => admin.end());

    const failure = await store
      .transaction(async (tx) => {
        const held = await tx.execute(sql`select pg_backend_pid() as pid`);
        const pid = Number((held.rows[0] as { pid: number }).pid);
        await admin.query('select pg_terminate_backend($1)', [pid]);
        // Its server process gone (and one more round trip): the client has heard it by now.
        await until(async () => {
          const left = await admin.query('select 1 from pg_stat_activity where pid = $1', [pid]);
          return left.rowCount === 0 ? true : undefined;
        });
        await admin.query('select 1');
        await tx.execute(sql`select 1`);
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).not.toBeNull();
    expect(isTransientDbError(failure)).toBe(true);
    expect(await store.runs.list('alice', 5)).toEqual([]);
  });
});
