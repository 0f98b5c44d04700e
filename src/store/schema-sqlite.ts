/** The tables as SQLite builds them (the default database); drizzle-kit reads this for drizzle/sqlite. */
import { sql } from 'drizzle-orm';
import * as sqlite from 'drizzle-orm/sqlite-core';
import { type DialectKit, defineTables } from './tables.js';

/**
 * JSON kept as text. A document that does not parse (the file edited by hand, or damaged) reads as
 * null, so one bad row is that row's problem (a submitted run marked as one gagent cannot run)
 * instead of failing every query that lists it.
 */
const lenientJson = sqlite.customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (text) => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  },
});

const kit = {
  table: sqlite.sqliteTable,
  text: sqlite.text,
  integer: sqlite.integer,
  json: (name: string) => lenientJson(name),
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
  workers,
  mcpServers,
  mcpOauth,
} = tables;
