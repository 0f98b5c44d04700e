/**
 * The OAuth state of added MCP servers on both dialects: the refresh claim that lets one process
 * at a time spend a refresh token, and saving only over the row a process last saw.
 */
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { freshPgDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();
const PG = inject('pgUrl');

async function twoSqlite(): Promise<[Store, Store]> {
  const file = path.join(tempDir('gagent-store-'), 'gagent.db');
  const stores: [Store, Store] = [await Store.open(file), await Store.open(file)];
  for (const s of stores) cleanups.push(() => s.close());
  return stores;
}

async function twoPg(): Promise<[Store, Store]> {
  const url = (await freshPgDatabase(PG)) as string;
  const stores: [Store, Store] = [
    await Store.open({ dialect: 'postgres', url }),
    await Store.open({ dialect: 'postgres', url }),
  ];
  for (const s of stores) cleanups.push(() => s.close());
  return stores;
}

const URL_A = 'https://mcp.example/mcp';
const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

describe.each([
  ['SQLite', twoSqlite, false],
  ['PostgreSQL', twoPg, !PG],
] as const)('MCP OAuth state on %s', (_name, openTwo, skip) => {
  it.skipIf(skip)(
    'one process at a time holds the refresh claim; a lapsed claim can be taken over',
    async () => {
      const [a, b] = await openTwo();
      await a.mcpServers.put({ userId: 'alice', name: 'docs', transport: 'http', url: URL_A });
      await a.mcpServers.saveOauth('alice', 'docs', URL_A, {
        tokens: { access_token: 'x', token_type: 'bearer' },
      });
      const claims = await Promise.all([
        a.mcpServers.claimOauthRefresh('alice', 'docs', at(30_000), at(0)),
        b.mcpServers.claimOauthRefresh('alice', 'docs', at(30_000), at(0)),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await b.mcpServers.claimOauthRefresh('alice', 'docs', at(60_000), at(29_000))).toBe(false);
      expect(await b.mcpServers.claimOauthRefresh('alice', 'docs', at(61_000), at(31_000))).toBe(true);
      expect((await a.mcpServers.oauth('alice', 'docs'))?.refreshingUntil).toBe(at(61_000));
      // No row, no claim (the user logged out meanwhile).
      expect(await a.mcpServers.claimOauthRefresh('alice', 'other', at(30_000), at(0))).toBe(false);
    },
  );

  it.skipIf(skip)('saves over the row only while it still passes the check', async () => {
    const [a, b] = await openTwo();
    await a.mcpServers.saveOauth('alice', 'docs', URL_A, { tokens: { refresh_token: 'r1' } });
    const holds = (token: string) => (row: { tokens: unknown }) =>
      (row.tokens as { refresh_token?: string }).refresh_token === token;
    expect(
      await a.mcpServers.updateOauthIf('alice', 'docs', holds('r1'), { tokens: { refresh_token: 'r2' } }),
    ).toBe(true);
    // The other process still thinks r1 is stored: its save is refused, r2 stays.
    expect(
      await b.mcpServers.updateOauthIf('alice', 'docs', holds('r1'), { tokens: { refresh_token: 'r3' } }),
    ).toBe(false);
    expect((await b.mcpServers.oauth('alice', 'docs'))?.tokens).toEqual({ refresh_token: 'r2' });
    expect(await a.mcpServers.updateOauthIf('alice', 'missing', () => true, { expiresAt: null })).toBe(false);
  });
});
