/**
 * Workers where SQLite is the database others write to too (locks, a deleted file, a hand-broken
 * row), workers in separate PID namespaces on one host, and `gagent run --submit` on its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { BIN, cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { modelEnv, reply } from '../helpers/scripted-run.js';
import { until } from '../helpers/until.js';
import { workerHarness } from '../helpers/worker-harness.js';

const PG = inject('pgUrl');
const cleanups = cleanupAfterEach();
const { model, worker, database, submit, runReaching } = workerHarness(cleanups, PG);

describe('workers on a SQLite file others write to', () => {
  it('a database locked for 7 s neither ends the worker nor loses the run or its history', async () => {
    const db = await database('sqlite');
    let steps = 0;
    const fake = await model(async () => {
      steps += 1;
      await new Promise((r) => setTimeout(r, 400));
      return steps < 12 ? reply('agent.wait(0.1)', 'Keep waiting.') : reply('agent.done()', 'Waited enough.');
    });
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const runId = await submit(env, 'wait a while', ['--max-steps', '30']);
    const w = worker(env);
    await until(async () => (steps >= 2 ? true : undefined));
    // Another process holds the write lock longer than SQLite's busy timeout (5 s).
    const other = new Sqlite(path.join(db.home, 'data', 'gagent.db'));
    other.exec('BEGIN EXCLUSIVE');
    await new Promise((r) => setTimeout(r, 7_000));
    other.exec('COMMIT');
    other.close();
    await until(async () => {
      const shown = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], env)).stdout);
      return shown.run.status === 'done' ? shown : undefined;
    });
    const shown = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], env)).stdout);
    expect(shown.steps).toHaveLength(steps);
    expect(shown.run.retried).toBe(0);
    // The worker is still there, and takes the next run.
    const next = await submit(env, 'one more');
    await until(async () => {
      const run = JSON.parse((await runGagent(['runs', 'show', next, '--json'], env)).stdout).run;
      return run.status === 'done' ? true : undefined;
    });
    expect(w.child.exitCode).toBeNull();
    expect(w.stderr()).not.toContain('could not be saved');
  });

  it('a worker whose database file is deleted under it stops with one sentence', async () => {
    const db = await database('sqlite');
    const w = worker(cliEnv(db.home), 1);
    await w.waitFor(/gagent worker .* on /);
    const file = path.join(db.home, 'data', 'gagent.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    const ended = await w.done;
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain(
      `gagent: The database ${file} was deleted or replaced while gagent was using it, so it stopped. Start it again to use the database now at that path.`,
    );
  });

  it('a queued run whose request is not JSON is marked as an error; the queue goes on', async () => {
    const db = await database('sqlite');
    const fake = await model(() => reply('agent.done()', 'Done.'));
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const broken = await submit(env, 'broken by hand');
    const good = await submit(env, 'a good one');
    const file = new Sqlite(path.join(db.home, 'data', 'gagent.db'));
    file.prepare('update runs set options = ? where id = ?').run('{not json', broken);
    file.close();
    const listed = await runGagent(['runs', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const w = worker(env, 1);
    await until(async () => {
      const runs = JSON.parse((await runGagent(['runs', 'list', '--json'], env)).stdout).runs as {
        id: string;
        status: string;
      }[];
      const status = (id: string) => runs.find((r) => r.id === id)?.status;
      return status(broken) === 'error' && status(good) === 'done' ? true : undefined;
    });
    const shown = JSON.parse((await runGagent(['runs', 'show', broken, '--json'], env)).stdout).run;
    expect(shown.summary).toContain('is not one gagent can run');
    expect(w.child.exitCode).toBeNull();
  });
});

/** Root can make PID namespaces (unshare); elsewhere the test is skipped, never under CI. */
const noPidNamespaces = (() => {
  if (unavailable(['unshare'], 'the PID namespace test')) return true;
  const made = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
  if (made) return false;
  if (process.env.CI)
    throw new Error('CI is set, and the PID namespace test needs unshare --pid, which failed (run as root).');
  console.log('skipping the PID namespace test: unshare --pid is not allowed here');
  return true;
})();

describe.skipIf(noPidNamespaces)('workers in separate PID namespaces on one host', () => {
  it("never take each other's live runs for dead", async () => {
    const db = await database('sqlite');
    const fake = await model(() => reply('agent.wait(0.2)', 'Keep waiting.'));
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const runId = await submit(env, 'long and alive', ['--max-steps', '500']);
    // A worker in a PID namespace of its own (a container on host networking, same host name),
    // whose pid there is one no process has here: a pid check would call it dead.
    let target = 500;
    while (fs.existsSync(`/proc/${target}`)) target += 1;
    const inside = spawn(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        '--kill-child',
        'sh',
        '-c',
        // Use up the namespace's pids below the target, then start the worker (not as pid 1).
        'while [ "$(sh -c \'echo $$\')" -lt "$TARGET_PID" ]; do :; done; "$0" "$@"',
        process.execPath,
        BIN,
        'worker',
        '--json',
      ],
      { env: { ...env, TARGET_PID: String(target - 2) }, stdio: 'ignore' },
    );
    cleanups.push(async () => {
      inside.kill('SIGKILL');
      await new Promise((resolve) =>
        inside.exitCode !== null ? resolve(null) : inside.once('exit', resolve),
      );
    });
    const store = await db.open();
    cleanups.push(() => store.close());
    const claimed = await until(async () => {
      const row = await store.runs.get('singleton', runId);
      return row?.status === 'running' ? row : undefined;
    });
    expect(claimed.pid).not.toBe(inside.pid);
    expect(fs.existsSync(`/proc/${claimed.pid}`)).toBe(false);
    // A worker here, on the same host name, looks for dead runs at once and every 5 s after: two looks.
    const outside = worker(env, 1);
    await outside.waitFor(/gagent worker .* on /);
    const before = (await store.runs.steps(runId)).length;
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const row = await store.runs.get('singleton', runId);
    expect(row?.status).toBe('running');
    expect((await store.runs.steps(runId)).length).toBeGreaterThan(before);
    expect(await runGagent(['runs', 'cancel', runId], env).then((r) => r.code)).toBe(0);
    expect((await runReaching(store, runId, 'cancelled')).status).toBe('cancelled');
  }, 60_000);
});

describe('gagent worker without a model of its own', () => {
  it('says at start that runs naming no model will fail', async () => {
    const cli = worker(cliEnv(tempHome()), 1);
    await cli.waitFor(/gagent worker .* on /);
    expect(cli.stderr()).toContain('gagent: warning: no GAGENT_MODEL is set here');
  });
});

describe('gagent run --submit', () => {
  it('refuses what a worker could not run, before queueing anything', async () => {
    const env = cliEnv(tempHome());
    const empty = await runGagent(['run', '  ', '--submit'], env);
    expect([empty.code, empty.stderr.trim()]).toEqual([
      2,
      'gagent: The task is empty. Say what to do, for example: gagent run "send Bob the report".',
    ]);
    // What the worker's check would refuse is refused here, in the same words.
    for (const [flags, message] of [
      [['--model', 'bogus:thing'], 'model: a model is <provider>:<model>'],
      [['--controller-url', 'notaurl'], 'controllerUrl: Invalid URL'],
    ] as const) {
      const refused = await runGagent(['run', 'do it', '--submit', ...flags], env);
      expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining(message)]);
    }
    const long = await runGagent(['run', 'x'.repeat(12_000), '--submit'], env);
    expect([long.code, long.stderr]).toEqual([2, expect.stringContaining('The run is not valid: task:')]);
    const retriesHere = await runGagent(['run', 'do it', '--retries', '2'], env);
    expect([retriesHere.code, retriesHere.stderr.trim()]).toEqual([
      2,
      'gagent: --retries only applies to a submitted run: a run here ends with its process. Add --submit to queue it for a worker, or leave --retries out.',
    ]);
    const hex = await runGagent(['run', 'do it', '--submit', '--retries', '0x2'], env);
    expect(hex.code).toBe(2);
    const rows = JSON.parse((await runGagent(['debug', 'db', '--json'], env)).stdout).rows;
    expect(rows.runs).toBe(0);
  });

  it('says when no worker has been seen, and --wait follows the run to its end with its exit code', async () => {
    const db = await database('sqlite');
    const fake = await model((request) =>
      request.text.includes('give up')
        ? reply('agent.fail()', 'Impossible.')
        : reply('agent.wait(0.1)', 'Wait.'),
    );
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const alone = await runGagent(['run', 'nobody takes it', '--submit', '--controller', 'none'], env);
    expect(alone.stderr).toContain(
      'gagent: warning: no gagent worker has been seen on this database for a minute: the run waits in the queue until one starts (gagent worker).',
    );
    const misuse = await runGagent(['run', 'x', '--wait'], env);
    expect([misuse.code, misuse.stderr.trim()]).toEqual([
      2,
      'gagent: --wait follows a submitted run: a run here is followed anyway. Add --submit, or leave --wait out.',
    ]);
    const w = worker(env, 1);
    await w.waitFor(/gagent worker w_[0-9a-f]+ \(.*:\d+\) on /);
    const followed = await runGagent(
      ['run', 'give up', '--submit', '--wait', '--controller', 'none', '--no-reflection', '--json'],
      env,
    );
    expect(followed.stderr).toBe('');
    expect(followed.code).toBe(5);
    const lines = followed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['run_queued', 'run_claimed', 'step', 'run_finished']);
    expect(lines.at(-1)).toMatchObject({ status: 'failed', exitCode: 5 });
    // The worker's stop takes its presence with it: the next submit warns again.
    w.child.kill('SIGTERM');
    await w.done;
    const after = await runGagent(['run', 'later', '--submit', '--controller', 'none'], env);
    expect(after.stderr).toContain('no gagent worker has been seen');
  });

  it('carries every run flag to the worker, the grounding model included', async () => {
    const db = await database('sqlite');
    const env = cliEnv(db.home);
    const runId = await submit(env, 'ground it', ['--grounding-model', 'openai:ui-tars-1.5-7b']);
    const store = await db.open();
    cleanups.push(() => store.close());
    const row = await store.runs.get('singleton', runId);
    expect(row?.options).toMatchObject({ task: 'ground it', groundingModel: 'openai:ui-tars-1.5-7b' });
  });
});
