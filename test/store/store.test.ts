import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../src/store/migrate.js';
import { Store } from '../../src/store/store.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { recordConnection, tempStore } from '../helpers/store.js';
import { tempDir } from '../helpers/temp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function store() {
  const t = tempStore();
  cleanups.push(t.cleanup);
  return t.store;
}

describe('the SQLite store', () => {
  it('creates its directory 0700 and its file 0600', async () => {
    const home = tempHome();
    const env = cliEnv(home);
    expect((await runGagent(['debug', 'db', '--json'], env)).code).toBe(0);
    const dir = env.GAGENT_HOME as string;
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'gagent.db')).mode & 0o777).toBe(0o600);
  });

  it('finalize writes user, auth config, account and MCP connection together, idempotently', () => {
    const s = store();
    for (let i = 0; i < 3; i++) recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp');
    expect(s.rowCounts()).toMatchObject({
      users: 1,
      auth_configs: 1,
      connected_accounts: 1,
      mcp_connections: 1,
      sync_state: 1,
    });
    // A reconnect with a new account replaces the old one.
    recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp', 'ca_new');
    expect(s.accounts.providerState('alice', 'gmail')).toMatchObject({
      status: 'ACTIVE',
      connectedAccountId: 'ca_new',
    });
    expect(s.rowCounts().connected_accounts).toBe(1);
  });

  it('rolls back the whole finalize when any part fails', () => {
    const s = store();
    expect(() =>
      s.accounts.finalizeConnection({
        userId: 'alice',
        provider: 'gmail',
        toolkitSlug: 'gmail',
        authConfig: { id: 'ac_1', status: 'ENABLED' },
        connectedAccountId: 'ca_1',
        // headers must be JSON-serializable; a BigInt makes the last insert throw mid-transaction.
        mcp: { url: 'http://x/mcp', headers: { bad: 10n as unknown as string } },
        syncedAt: new Date().toISOString(),
      }),
    ).toThrow();
    expect(s.rowCounts()).toMatchObject({
      users: 0,
      auth_configs: 0,
      connected_accounts: 0,
      mcp_connections: 0,
    });
  });

  it('a transaction writes all or nothing', () => {
    const s = store();
    const run = (id: string) => ({
      id,
      userId: 'alice',
      task: 't',
      model: 'm',
      controller: 'none',
      startedAt: new Date().toISOString(),
      pid: 1,
      host: 'h',
    });
    s.transaction(() => {
      s.runs.create(run('run_a'));
      s.runs.create(run('run_b'));
    });
    expect(() =>
      s.transaction(() => {
        s.runs.create(run('run_c'));
        s.runs.create(run('run_a')); // a duplicate id fails the second write
      }),
    ).toThrow();
    expect(
      s.runs
        .list('alice', 10)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['run_a', 'run_b']);
  });

  it("a run id prefix finds only the asking user's runs, however many share the prefix", () => {
    const s = store();
    s.transaction(() => {
      for (let i = 0; i < 500; i++)
        for (const userId of ['alice', 'bob'])
          s.runs.create({
            id: `run_${userId}_${String(i).padStart(3, '0')}`,
            userId,
            task: 't',
            model: 'm',
            controller: 'none',
            startedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
            pid: 1,
            host: 'h',
          });
    });
    expect(s.runs.findByPrefix('alice', 'run_alice_12', 20).map((r) => r.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `run_alice_12${i}`),
    );
    expect(s.runs.findByPrefix('alice', 'run_bob_1', 20)).toEqual([]);
    expect(s.runs.findByPrefix('bob', 'run_bob_499', 2).map((r) => r.id)).toEqual(['run_bob_499']);
  });

  it('disconnect clears the URL and headers; a later sync never authorizes it again', () => {
    const s = store();
    recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp', 'ca_1');
    expect(s.accounts.isAuthorized('alice', 'gmail')).toBe(true);
    expect(s.accounts.disconnect('alice', 'gmail')).toBe('ca_1');
    expect(s.accounts.isAuthorized('alice', 'gmail')).toBe(false);
    expect(s.accounts.activeMcpConnections('alice')).toEqual([]);
    expect(s.accounts.applyRemoteStatus('alice', 'gmail', 'ca_1', 'ACTIVE', new Date().toISOString())).toBe(
      'DISCONNECTED',
    );
    expect(s.accounts.providerState('alice', 'gmail').status).toBe('DISCONNECTED');
  });

  it('migrates once when many processes open a new database at the same moment', async () => {
    const dir = tempDir('gagent-race-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = cliEnv(dir, { GAGENT_HOME: dir });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runGagent(['debug', 'db', '--json'], env)),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const latest = latestSchemaVersion();
    for (const r of results) expect(JSON.parse(r.stdout).schemaVersion).toBe(latest);
    const opened = Store.open(path.join(dir, 'gagent.db'));
    cleanups.push(() => opened.close());
    expect(opened.schemaVersion()).toBe(latest);
  });
});
