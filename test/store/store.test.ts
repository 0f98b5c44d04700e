/**
 * The repositories, the same suite on both dialects: SQLite (a file in a temp dir) and PostgreSQL
 * (a fresh database on the suite's server). What runs here is what every command runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { reapAbandonedRuns, thisProcess } from '../../src/runner/liveness.js';
import { latestSchemaVersion, migrationsDir } from '../../src/store/migrate.js';
import type { RunOwner } from '../../src/store/run-owner.js';
import { Store } from '../../src/store/store.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { freshPgDatabase } from '../helpers/postgres.js';
import { recordConnection } from '../helpers/store.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();

const PG = inject('pgUrl');

async function openSqliteStore(): Promise<Store> {
  const store = await Store.open(path.join(tempDir('gagent-store-'), 'gagent.db'));
  cleanups.push(() => store.close());
  return store;
}

async function openPgStore(): Promise<Store> {
  const url = await freshPgDatabase(PG);
  const store = await Store.open({ dialect: 'postgres', url: url as string });
  cleanups.push(() => store.close());
  return store;
}

/**
 * Two connections (as two processes would have) to one fresh database, and a way to break how
 * queued runs wake workers: the signal file deleted, or the LISTEN session terminated.
 */
interface TwoStores {
  stores: [Store, Store];
  breakWakeUp(): Promise<void>;
}

async function twoSqliteStores(): Promise<TwoStores> {
  const file = path.join(tempDir('gagent-store-'), 'gagent.db');
  const stores = [await Store.open(file), await Store.open(file)] as [Store, Store];
  for (const s of stores) cleanups.push(() => s.close());
  return { stores, breakWakeUp: async () => fs.rmSync(`${file}-queued`) };
}

async function twoPgStores(): Promise<TwoStores> {
  const url = (await freshPgDatabase(PG)) as string;
  const stores = [
    await Store.open({ dialect: 'postgres', url }),
    await Store.open({ dialect: 'postgres', url }),
  ] as [Store, Store];
  for (const s of stores) cleanups.push(() => s.close());
  const breakWakeUp = async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const ended = await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'LISTEN%'",
    );
    await admin.end();
    expect(ended.rowCount).toBe(1);
  };
  return { stores, breakWakeUp };
}

/** An attempt at a run by a process: pid 1 on host h, with a token of its own. */
const attempt = (token: string, pid = 1, host = 'h'): RunOwner => ({ pid, host, pidScope: null, token });
/** The owner of the runs the tests create. */
const OWNER = attempt('owner-1');

const run = (id: string, userId = 'alice', startedAt = new Date().toISOString()) => ({
  id,
  userId,
  task: 't',
  model: 'm',
  controller: 'none',
  startedAt,
});

describe.each([
  ['SQLite', openSqliteStore, false, twoSqliteStores],
  ['PostgreSQL', openPgStore, !PG, twoPgStores],
] as const)('the store on %s', (_name, open, skip, openTwo) => {
  it.skipIf(skip)(
    'finalize writes user, auth config, account and MCP connection together, idempotently',
    async () => {
      const s = await open();
      for (let i = 0; i < 3; i++) await recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp');
      expect(await s.rowCounts('alice')).toMatchObject({
        users: 1,
        auth_configs: 1,
        connected_accounts: 1,
        mcp_connections: 1,
        sync_state: 1,
      });
      // A reconnect with a new account replaces the old one.
      await recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp', 'ca_new');
      expect(await s.accounts.providerState('alice', 'gmail')).toMatchObject({
        status: 'ACTIVE',
        connectedAccountId: 'ca_new',
      });
      expect((await s.rowCounts('alice')).connected_accounts).toBe(1);
      expect(await s.accounts.activeMcpConnections('alice')).toEqual([
        {
          provider: 'gmail',
          connectedAccountId: 'ca_new',
          url: 'http://127.0.0.1:1/mcp',
          headers: { 'X-Connected-Account-Id': 'ca_new' },
        },
      ]);
    },
  );

  it.skipIf(skip)('rolls back the whole finalize when any part fails', async () => {
    const s = await open();
    await expect(
      s.accounts.finalizeConnection({
        userId: 'alice',
        provider: 'gmail',
        toolkitSlug: 'gmail',
        authConfig: { id: 'ac_1', status: 'ENABLED' },
        connectedAccountId: 'ca_1',
        // headers must be JSON-serializable; a BigInt makes the MCP insert throw mid-transaction.
        mcp: { url: 'http://x/mcp', headers: { bad: 10n as unknown as string } },
        syncedAt: new Date().toISOString(),
      }),
    ).rejects.toThrow();
    expect(await s.rowCounts('alice')).toMatchObject({
      users: 0,
      auth_configs: 0,
      connected_accounts: 0,
      mcp_connections: 0,
    });
  });

  it.skipIf(skip)('concurrent finalizes of one account leave one row of each', async () => {
    const s = await open();
    await Promise.all(
      Array.from({ length: 8 }, () => recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp')),
    );
    expect(await s.rowCounts('alice')).toMatchObject({ users: 1, connected_accounts: 1, mcp_connections: 1 });
  });

  it.skipIf(skip)('a transaction writes all or nothing, and other statements wait for it', async () => {
    const s = await open();
    await s.transaction(async (tx, t) => {
      await tx.insert(t.runs).values({ ...run('run_a'), status: 'running' });
      await tx.insert(t.runs).values({ ...run('run_b'), status: 'running' });
    });
    await expect(
      s.transaction(async (tx, t) => {
        await tx.insert(t.runs).values({ ...run('run_c'), status: 'running' });
        await tx.insert(t.runs).values({ ...run('run_a'), status: 'running' }); // a duplicate id
      }),
    ).rejects.toThrow();
    // A statement issued while a transaction is open lands after it, never inside it.
    // The transaction says when it holds its row; a loaded machine may take long to get there.
    let release!: () => void;
    let holding!: () => void;
    const inside = new Promise<void>((resolve) => (holding = resolve));
    const held = s.transaction(async (tx, t) => {
      await tx.insert(t.runs).values({ ...run('run_d'), status: 'running' });
      await new Promise<void>((resolve) => {
        release = resolve;
        holding();
      });
      throw new Error('rolled back on purpose');
    });
    await inside;
    const outside = s.runs.create(run('run_e'), OWNER);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await expect(held).rejects.toThrow('rolled back on purpose');
    await outside;
    expect((await s.runs.list('alice', 10)).map((r) => r.id).sort()).toEqual(['run_a', 'run_b', 'run_e']);
  });

  it.skipIf(skip)(
    "a run id prefix finds only the asking user's runs, however many share the prefix",
    async () => {
      const s = await open();
      await s.transaction(async (tx, t) => {
        const rows = [];
        for (let i = 0; i < 500; i++)
          for (const userId of ['alice', 'bob'])
            rows.push({
              ...run(`run_${userId}_${String(i).padStart(3, '0')}`, userId),
              startedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
              status: 'done' as const,
            });
        for (let i = 0; i < rows.length; i += 200) await tx.insert(t.runs).values(rows.slice(i, i + 200));
      });
      expect((await s.runs.findByPrefix('alice', 'run_alice_12', 20)).map((r) => r.id)).toEqual(
        Array.from({ length: 10 }, (_, i) => `run_alice_12${i}`),
      );
      expect(await s.runs.findByPrefix('alice', 'run_bob_1', 20)).toEqual([]);
      expect((await s.runs.findByPrefix('bob', 'run_bob_499', 2)).map((r) => r.id)).toEqual(['run_bob_499']);
      // `_` is an ordinary character of an id, not a wildcard.
      expect(await s.runs.findByPrefix('alice', 'run_alice012', 20)).toEqual([]);
      expect((await s.runs.list('bob', 3)).map((r) => r.id)).toEqual([
        'run_bob_499',
        'run_bob_498',
        'run_bob_497',
      ]);
    },
  );

  it.skipIf(skip)(
    'steps, screenshots and approvals round-trip, and deleting a run takes its steps and pictures',
    async () => {
      const s = await open();
      await s.runs.create(run('run_x'), OWNER);
      await s.runs.saveStep(
        {
          runId: 'run_x',
          idx: 0,
          kind: 'gui',
          plan: 'Click.',
          action: { name: 'click', args: { element_description: 'OK' } },
          outcome: { type: 'screen', ok: true, action: { type: 'click', at: { x: 1, y: 2 } } },
          reflection: null,
          approval: null,
          durationMs: 12,
        },
        OWNER,
      );
      await s.artifacts.saveScreenshot({
        runId: 'run_x',
        idx: 0,
        mediaType: 'image/webp',
        width: 2,
        height: 1,
        screenWidth: 4,
        screenHeight: 2,
        data: Buffer.from([0, 1, 2, 255]),
      });
      await s.approvals.remember({
        userId: 'alice',
        server: 'x',
        tool: 't',
        digest: 'd',
        definition: { name: 't', nested: [1, 'two'] },
        origin: 'http://127.0.0.1:1',
      });
      const [step] = await s.runs.steps('run_x');
      expect(step?.action).toEqual({ name: 'click', args: { element_description: 'OK' } });
      const [shot] = await s.artifacts.screenshots('run_x');
      expect(shot?.data.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
      expect(await s.artifacts.totals('alice')).toEqual({ count: 1, bytes: 4 });
      // Each user counts only their own rows.
      expect(await s.artifacts.totals('bob')).toEqual({ count: 0, bytes: 0 });
      expect(await s.rowCounts('alice')).toMatchObject({ runs: 1, run_steps: 1, step_artifacts: 1 });
      expect(await s.rowCounts('bob')).toMatchObject({
        runs: 0,
        run_steps: 0,
        step_artifacts: 0,
        tool_approvals: 0,
      });
      expect((await s.approvals.get('alice', 'x', 't'))?.definition).toEqual({
        name: 't',
        nested: [1, 'two'],
      });
      await s.runs.finish('run_x', 'done', 'Done.', new Date().toISOString(), OWNER);
      expect(await s.runs.delete('bob', 'run_x')).toBe(false);
      expect(await s.runs.delete('alice', 'run_x')).toBe(true);
      expect(await s.rowCounts('alice')).toMatchObject({
        runs: 0,
        run_steps: 0,
        step_artifacts: 0,
        tool_approvals: 1,
      });
    },
  );

  it.skipIf(skip)(
    'disconnect clears the URL and headers; a later sync never authorizes it again',
    async () => {
      const s = await open();
      await recordConnection(s, 'alice', 'gmail', 'http://127.0.0.1:1/mcp', 'ca_1');
      expect(await s.accounts.isAuthorized('alice', 'gmail')).toBe(true);
      expect(await s.accounts.disconnect('alice', 'gmail')).toBe('ca_1');
      expect(await s.accounts.isAuthorized('alice', 'gmail')).toBe(false);
      expect(await s.accounts.activeMcpConnections('alice')).toEqual([]);
      expect(
        await s.accounts.applyRemoteStatus('alice', 'gmail', 'ca_1', 'ACTIVE', new Date().toISOString()),
      ).toBe('DISCONNECTED');
      expect((await s.accounts.providerState('alice', 'gmail')).status).toBe('DISCONNECTED');
    },
  );

  it.skipIf(skip)('is at the latest schema of its dialect', async () => {
    const s = await open();
    const dir = migrationsDir(s.dialect === 'sqlite' ? 'sqlite' : 'pg');
    expect(await s.schemaVersion()).toBe(latestSchemaVersion(dir));
    expect(await s.engineVersion()).toMatch(s.dialect === 'sqlite' ? /^SQLite 3\./ : /^PostgreSQL \d+/);
  });
  it.skipIf(skip)('delete never takes a running run; prune spares running and queued runs', async () => {
    const s = await open();
    const long_ago = '2020-01-01T00:00:00.000Z';
    const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false };
    await s.runs.create(run('run_running', 'alice', long_ago), OWNER);
    await s.queue.submit({ id: 'run_queued', userId: 'alice', request, queuedAt: long_ago });
    await s.runs.create(run('run_done', 'alice', long_ago), OWNER);
    await s.runs.finish('run_done', 'done', 'Done.', long_ago, OWNER);
    expect(await s.runs.delete('alice', 'run_running')).toBe(false);
    expect(await s.runs.prune('alice', new Date().toISOString())).toEqual(['run_done']);
    expect((await s.runs.list('alice', 10)).map((r) => r.id).sort()).toEqual(['run_queued', 'run_running']);
    // Deleting a queued run cancels it: no worker can take it any more.
    expect(await s.runs.delete('alice', 'run_queued')).toBe(true);
    expect(await s.queue.claimNext(attempt('worker-7', 7, 'w'), new Date().toISOString())).toBeUndefined();
  });

  it.skipIf(skip)(
    'an attempt given up for dead writes nothing over the attempt that replaced it',
    async () => {
      const s = await open();
      const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false, retries: 1 };
      await s.queue.submit({ id: 'run_r', userId: 'alice', request, queuedAt: new Date().toISOString() });
      // The same worker takes it twice (as with --concurrency 2): only the attempts' tokens differ.
      const firstOwner = attempt('first', 11, 'a');
      const secondOwner = attempt('second', 11, 'a');
      expect(await s.queue.claimNext(firstOwner, new Date().toISOString())).toMatchObject({ id: 'run_r' });
      await s.queue.requeue('run_r', new Date().toISOString());
      expect(await s.queue.claimNext(secondOwner, new Date().toISOString())).toMatchObject({ retried: 1 });
      const step = (plan: string) => ({
        runId: 'run_r',
        idx: 0,
        kind: 'gui' as const,
        plan,
        action: null,
        outcome: null,
        reflection: null,
        approval: null,
        durationMs: 1,
      });
      const started = run('run_r', 'alice');
      expect(await s.runs.create(started, firstOwner)).toBe(false);
      expect(await s.runs.saveStep(step('stale'), firstOwner)).toBe(false);
      expect(await s.runs.finish('run_r', 'done', 'stale', new Date().toISOString(), firstOwner)).toBe(false);
      expect(await s.runs.create(started, secondOwner)).toBe(true);
      expect(await s.runs.saveStep(step('current'), secondOwner)).toBe(true);
      expect((await s.runs.get('alice', 'run_r'))?.status).toBe('running');
      expect((await s.runs.steps('run_r')).map((x) => x.plan)).toEqual(['current']);
      expect(await s.runs.finish('run_r', 'done', 'Done.', new Date().toISOString(), secondOwner)).toBe(true);
      expect((await s.runs.get('alice', 'run_r'))?.summary).toBe('Done.');
    },
  );

  it.skipIf(skip)(
    'a cancel ends a queued run at once and asks a running one to stop; an ended run stays as it was',
    async () => {
      const s = await open();
      const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false };
      const at = new Date().toISOString();
      await s.queue.submit({ id: 'run_q', userId: 'alice', request, queuedAt: at });
      await s.runs.create(run('run_busy'), OWNER);
      await s.runs.create(run('run_over'), OWNER);
      await s.runs.finish('run_over', 'done', 'Done.', at, OWNER);
      expect(await s.queue.requestCancel('bob', 'run_busy', at)).toBe('ended');
      expect(await s.queue.cancelRequested('run_busy')).toBe(false);
      expect(await s.queue.requestCancel('alice', 'run_q', at)).toBe('cancelled');
      expect(await s.queue.requestCancel('alice', 'run_busy', at)).toBe('cancelling');
      expect(await s.queue.requestCancel('alice', 'run_over', at)).toBe('ended');
      expect(await s.queue.claimNext(attempt('w'), at)).toBeUndefined();
      expect((await s.runs.get('alice', 'run_q'))?.status).toBe('cancelled');
      expect(await s.queue.cancelRequested('run_busy')).toBe(true);
      expect(await s.queue.cancelRequested('run_over')).toBe(false);
      // The running run stops itself, and then writes no more.
      expect(await s.runs.finish('run_busy', 'cancelled', 'Cancelled.', at, OWNER)).toBe(true);
      expect(await s.runs.finish('run_busy', 'done', 'late', at, OWNER)).toBe(false);
      expect((await s.runs.get('alice', 'run_busy'))?.summary).toBe('Cancelled.');
    },
  );

  it.skipIf(skip)(
    'a run is judged by its pid only in its own PID namespace of this boot, else by its heartbeat',
    async () => {
      const s = await open();
      const me = thisProcess();
      // A pid nobody has here: the run's process is gone if the pid was recorded here.
      const dead = 4_194_300;
      const here = { ...attempt('here', dead, me.host), pidScope: me.pidScope };
      // Same host name, another PID namespace (a container named alike): its pid says nothing here.
      const elsewhere = { ...attempt('elsewhere', dead, me.host), pidScope: 'another-boot/pid:[1]' };
      await s.runs.create(run('run_here'), here);
      await s.runs.create(run('run_elsewhere'), elsewhere);
      const gone = await reapAbandonedRuns(s);
      expect(gone).toEqual(me.pidScope ? ['run_here'] : []);
      expect((await s.runs.get('alice', 'run_elsewhere'))?.status).toBe('running');
      // Its heartbeat stops: then it is given up, wherever it ran.
      expect(await reapAbandonedRuns(s, Date.now() + 61_000)).toContain('run_elsewhere');
    },
  );

  it.skipIf(skip)(
    'submits racing on two connections with one idempotency key queue one run; keys are per user',
    async () => {
      const { stores } = await openTwo();
      const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false };
      const submit = (i: number, userId: string, idempotencyKey?: string) =>
        stores[i % 2]?.queue.submit({
          id: `run_${userId}_${i}`,
          userId,
          request,
          queuedAt: new Date().toISOString(),
          ...(idempotencyKey ? { idempotencyKey } : {}),
        }) as ReturnType<Store['queue']['submit']>;
      const raced = await Promise.all(Array.from({ length: 16 }, (_, i) => submit(i, 'alice', 'key-1')));
      expect(raced.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(raced.map((r) => r.id)).size).toBe(1);
      expect(raced.find((r) => !r.created)).toMatchObject({ status: 'queued', options: request });
      expect((await submit(0, 'bob', 'key-1')).created).toBe(true);
      // Without a key every submit queues its own run.
      expect((await Promise.all([submit(20, 'alice'), submit(21, 'alice')])).map((r) => r.created)).toEqual([
        true,
        true,
      ]);
      expect((await stores[0].rowCounts('alice')).runs).toBe(3);
      expect((await stores[0].rowCounts('bob')).runs).toBe(1);
    },
  );

  it.skipIf(skip)(
    'a run queued on one connection wakes the workers listening on another, also after the wake-up broke',
    async () => {
      const {
        stores: [submitter, worker],
        breakWakeUp,
      } = await openTwo();
      let announced = () => {};
      const woken = () =>
        new Promise<void>((resolve) => {
          announced = resolve;
        });
      const stopListening = await worker.queue.onQueued(() => announced());
      cleanups.push(stopListening);
      const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false };
      const queue = (id: string) =>
        submitter.queue.submit({ id, userId: 'alice', request, queuedAt: new Date().toISOString() });
      let next = woken();
      await queue('q1');
      await next; // never settles (the test times out) if the announcement does not arrive
      const claimed = await worker.queue.claimNext(attempt('worker-7', 7, 'w'), new Date().toISOString());
      expect(claimed).toMatchObject({ id: 'q1', status: 'running', pid: 7, host: 'w' });
      // The file deleted, or the LISTEN session ended (a server restart): the next run still wakes it.
      // (What the break itself sets off settles first; then only a watch set up again can wake it.)
      await breakWakeUp();
      await new Promise((r) => setTimeout(r, 1_500));
      next = woken();
      await queue('q2');
      await next;
      expect(
        await worker.queue.claimNext(attempt('worker-7', 7, 'w'), new Date().toISOString()),
      ).toMatchObject({
        id: 'q2',
      });
    },
  );
});

describe('the SQLite file', () => {
  it('a FIFO where the queue signal file goes does not hang gagent run --submit', async () => {
    const home = tempHome();
    const env = cliEnv(home);
    expect((await runGagent(['debug', 'db', '--json'], env)).code).toBe(0);
    const made = spawnSync('mkfifo', [path.join(home, 'data', 'gagent.db-queued')]);
    expect(made.status).toBe(0);
    const submitted = await runGagent(['run', 'queue it', '--submit', '--json'], env);
    expect(submitted.code).toBe(0);
    // No worker runs here: that is the only thing it says.
    expect(submitted.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('no gagent worker has been seen'),
    ]);
    expect(JSON.parse(submitted.stdout).status).toBe('queued');
  });

  it('is created 0600 in a 0700 directory', async () => {
    const home = tempHome();
    const env = cliEnv(home);
    expect((await runGagent(['debug', 'db', '--json'], env)).code).toBe(0);
    const dir = env.GAGENT_HOME as string;
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'gagent.db')).mode & 0o777).toBe(0o600);
  });

  it('migrates once when many processes open a new database at the same moment', async () => {
    const dir = tempDir('gagent-race-');
    const env = cliEnv(dir, { GAGENT_HOME: dir });
    // Writers too: on a brand-new file two of them asking to switch it to WAL at once used to
    // get "database is locked" (SQLite refuses one without waiting).
    const writers = await Promise.all(
      Array.from({ length: 8 }, () =>
        runGagent(['runs', 'prune', '--older-than', '0', '--yes', '--json'], env),
      ),
    );
    expect(writers.map((r) => r.stderr)).toEqual(Array(8).fill(''));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runGagent(['debug', 'db', '--json'], env)),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const latest = latestSchemaVersion();
    for (const r of results) expect(JSON.parse(r.stdout).schemaVersion).toBe(latest);
    const opened = await Store.open(path.join(dir, 'gagent.db'));
    cleanups.push(() => opened.close());
    expect(await opened.schemaVersion()).toBe(latest);
  });
});
