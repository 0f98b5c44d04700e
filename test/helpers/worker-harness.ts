/**
 * What the worker tests share: a scripted model, worker processes, a home on SQLite or on a fresh
 * PostgreSQL database, `run --submit`, and waiting for a run to reach a status. Everything started
 * is ended by the test's cleanups.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { Store } from '../../src/store/store.js';
import { type FakeModelServer, startOpenAIFake } from '../fakes/model/scripted-server.js';
import type { Cleanups } from './cleanup.js';
import { runGagent, type SpawnedCli, spawnGagent, tempHome } from './cli.js';
import { freshPgDatabase } from './postgres.js';
import { until } from './until.js';

export type Dialect = 'sqlite' | 'postgres';

export function workerHarness(cleanups: Cleanups, pgUrl: string | undefined) {
  async function model(script: Parameters<typeof startOpenAIFake>[0]['script']): Promise<FakeModelServer> {
    const server = await startOpenAIFake({ script });
    cleanups.push(() => server.close());
    return server;
  }

  function worker(env: NodeJS.ProcessEnv, concurrency = 2): SpawnedCli {
    const cli = spawnGagent(['worker', '--concurrency', String(concurrency), '--json'], env);
    cleanups.push(() => {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      return cli.done;
    });
    return cli;
  }

  /** A home on SQLite, or on a fresh PostgreSQL database; and a Store on the same data for the checks. */
  async function database(dialect: Dialect) {
    const home = tempHome();
    const url = dialect === 'postgres' ? ((await freshPgDatabase(pgUrl as string)) as string) : undefined;
    const open = () => Store.open(url ? { dialect: 'postgres', url } : path.join(home, 'data', 'gagent.db'));
    return { home, extra: url ? { DB_URL: url } : {}, open };
  }

  async function submit(env: NodeJS.ProcessEnv, task: string, extra: string[] = []): Promise<string> {
    const out = await runGagent(
      ['run', task, '--submit', '--controller', 'none', '--no-reflection', '--json', ...extra],
      env,
    );
    expect(out.code, out.stderr).toBe(0);
    return JSON.parse(out.stdout).runId as string;
  }

  /**
   * A worker takes the one queued run and is killed -9 once `asked()` (its model was called); then
   * another worker starts. Returns that one, and a Store on the data for the checks.
   */
  async function killWorkerMidRun(
    env: NodeJS.ProcessEnv,
    db: Awaited<ReturnType<typeof database>>,
    asked: () => boolean,
  ): Promise<{ survivor: SpawnedCli; store: Store }> {
    const doomed = worker(env, 1);
    await doomed.waitFor(/"run_claimed"/);
    await until(async () => (asked() ? true : undefined));
    doomed.child.kill('SIGKILL');
    await doomed.done;
    const survivor = worker(env, 1);
    const store = await db.open();
    cleanups.push(() => store.close());
    return { survivor, store };
  }

  function runReaching(store: Store, runId: string, status: string) {
    return until(async () => {
      const row = await store.runs.get('singleton', runId);
      return row?.status === status ? row : undefined;
    });
  }

  return { model, worker, database, submit, killWorkerMidRun, runReaching };
}
