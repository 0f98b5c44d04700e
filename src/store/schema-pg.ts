/** The tables as PostgreSQL builds them (DB_URL=postgres://…); drizzle-kit reads this for drizzle/pg. */
import { sql } from 'drizzle-orm';
import * as pg from 'drizzle-orm/pg-core';
import { type DialectKit, defineTables } from './tables.js';

const bytea = pg.customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const kit: DialectKit = {
  table: pg.pgTable,
  text: pg.text,
  integer: pg.integer,
  json: pg.jsonb,
  bytes: (name: string) => bytea(name),
  index: pg.index,
  uniqueIndex: pg.uniqueIndex,
  primaryKey: pg.primaryKey,
  now: sql`(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
};

export const tables = defineTables(kit);
export const {
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
  mcpServers,
  mcpOauth,
} = tables;
