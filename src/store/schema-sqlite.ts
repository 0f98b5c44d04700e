/** The tables as SQLite builds them (the default database); drizzle-kit reads this for drizzle/sqlite. */
import { sql } from 'drizzle-orm';
import * as sqlite from 'drizzle-orm/sqlite-core';
import { type DialectKit, defineTables } from './tables.js';

const kit = {
  table: sqlite.sqliteTable,
  text: sqlite.text,
  integer: sqlite.integer,
  json: (name: string) => sqlite.text(name, { mode: 'json' }),
  bytes: (name: string) => sqlite.blob(name, { mode: 'buffer' }),
  index: sqlite.index,
  uniqueIndex: sqlite.uniqueIndex,
  primaryKey: sqlite.primaryKey,
  now: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
} as unknown as DialectKit;

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
} = tables;
