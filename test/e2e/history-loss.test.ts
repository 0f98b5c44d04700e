/**
 * A run whose history can no longer be saved stops before anything more acts, for `gagent run` and
 * for workers alike: on a SQLite disk that fills up mid-run (a small tmpfs of the test's own) and
 * on a PostgreSQL database lost for good. It ends with one sentence, exit code 1, and its row
 * marked error with that sentence — or, when not even that can be written, interrupted once its
 * process is gone.
 */
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { type FakeModelServer, startOpenAIFake } from '../fakes/model/scripted-server.js';
import { type FakeOsworld, startFakeOsworld } from '../fakes/osworld/server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { freshPgDatabase } from '../helpers/postgres.js';
import { events, isReflection, modelEnv, reply } from '../helpers/scripted-run.js';
import { fillDisk, noTinyDisks, tinyDisk } from '../helpers/tiny-disk.js';

const PG = inject('pgUrl');

const cleanups = cleanupAfterEach();
const { later } = cleanups;

/** The steps the model plans before it calls done(). */
const STEPS = 8;

interface ModelHooks {
  /** Called as the model is asked for step N's action (from 0), before it answers. */
  plan?(step: number): void | Promise<void>;
  /** Called as the model is asked, at step N, to judge step N − 1, before it answers. */
  reflection?(step: number): void | Promise<void>;
}

/** A model that types "step-N" at each step N, then calls done(). */
async function typingModel(hooks: ModelHooks): Promise<FakeModelServer> {
  let planned = 0;
  let judged = 0;
  return later(
    await startOpenAIFake({
      script: async (request) => {
        if (isReflection(request)) {
          await hooks.reflection?.(++judged);
          return 'Case 2: the trajectory is on track; continue.';
        }
        const step = planned++;
        await hooks.plan?.(step);
        return step < STEPS
          ? reply(`agent.type(text="step-${step}")`, `Type step ${step}.`)
          : reply('agent.done()');
      },
    }),
  );
}

/** The steps whose typing reached the VM, in order. */
function typed(vm: FakeOsworld): number[] {
  return vm.executed().flatMap((c) => {
    const step = /step-(\d+)/.exec(c.code)?.[1];
    return step === undefined ? [] : [Number(step)];
  });
}

function runArgs(vm: FakeOsworld, extra: string[] = []): string[] {
  return ['run', 'type the steps', '--controller', 'osworld', '--controller-url', vm.url, '--json', ...extra];
}

async function shown(env: NodeJS.ProcessEnv, runId: string) {
  const out = await runGagent(['runs', 'show', runId, '--json'], env);
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as {
    run: { status: string; summary: string | null };
    steps: { idx: number; reflection: string | null }[];
  };
}

describe.skipIf(noTinyDisks('the full-disk history tests'))('a disk that fills up mid-run', () => {
  it('gagent run: the step that could not be saved is the last to act; exit 1, one sentence, the run marked error', async () => {
    const data = tinyDisk(cleanups, '4m');
    const vm = later(await startFakeOsworld({ width: 1280, height: 800 }));
    let asked = 0;
    const model: FakeModelServer = await typingModel({
      plan: (step) => {
        if (step !== 3) return;
        fillDisk(data);
        asked = model.requests().length;
      },
    });
    const env = cliEnv(tempHome(), { ...modelEnv(model), GAGENT_HOME: data });
    const run = await runGagent(runArgs(vm, ['--max-steps', '20']), env);

    const sentence =
      'The run stopped after 4 steps because its history could not be saved: the disk is full (SQLITE_FULL).';
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe(`gagent: ${sentence}\n`);
    // Step 3 acted, its record failed, and nothing more happened: no verdict on it, no step 4.
    expect(typed(vm)).toEqual([0, 1, 2, 3]);
    expect(model.requests()).toHaveLength(asked);
    expect(events(run.stdout).at(-1)).toMatchObject({ type: 'run_finished', status: 'error', exitCode: 1 });

    // How it ended is saved on the full disk (in the room gagent keeps for it), steps 0–2 with it.
    const runId = String(events(run.stdout)[0]?.runId);
    const full = await shown(env, runId);
    expect(full.run).toMatchObject({ status: 'error', summary: sentence });
    expect(full.steps.map((s) => s.idx)).toEqual([0, 1, 2]);
  }, 60_000);

  it('gagent worker: a verdict that cannot be saved stops the run before its step acts; the worker goes on', async () => {
    const data = tinyDisk(cleanups, '4m');
    const vm = later(await startFakeOsworld({ width: 1280, height: 800 }));
    let asked = 0;
    const model: FakeModelServer = await typingModel({
      reflection: (step) => {
        if (step !== 3) return;
        fillDisk(data);
        asked = model.requests().length;
      },
    });
    // The worker takes runs for this VM only (the operator's allow-list of controller URLs).
    const env = cliEnv(tempHome(), { ...modelEnv(model), GAGENT_HOME: data, GAGENT_CONTROLLER_URLS: vm.url });
    const submitted = await runGagent(runArgs(vm, ['--submit']), env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const runId = JSON.parse(submitted.stdout).runId as string;

    const worker = spawnGagent(['worker', '--json'], env);
    cleanups.push(() => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      return worker.done;
    });
    await worker.waitFor(/"run_finished"/, 45_000);
    // The verdict on step 2 was lost while step 3 was planned: step 3 never acted.
    expect(typed(vm)).toEqual([0, 1, 2]);
    expect(model.requests()).toHaveLength(asked + 1);
    const sentence =
      'The run stopped after 3 steps because its history could not be saved: the disk is full (SQLITE_FULL).';
    expect(events(worker.stdout()).find((e) => e.type === 'run_finished')).toEqual({
      type: 'run_finished',
      runId,
      status: 'error',
      exitCode: 1,
      summary: sentence,
    });
    const full = await shown(env, runId);
    expect(full.run).toMatchObject({ status: 'error', summary: sentence });
    expect(full.steps.map((s) => s.idx)).toEqual([0, 1, 2]);
    expect(full.steps[2]?.reflection).toBeNull();

    // The worker is still up, and stops as asked.
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGTERM');
    const ended = await worker.done;
    expect(ended.code).toBe(0);
    expect(ended.stderr).not.toContain('warning');
  }, 90_000);
});

describe('a run given up for dead while it goes on', () => {
  it('gagent run stops before its next step and leaves the row to whoever gave it up', async () => {
    const home = tempHome();
    const vm = later(await startFakeOsworld({ width: 1280, height: 800 }));
    let asked = 0;
    const model: FakeModelServer = await typingModel({
      plan: async (step) => {
        if (step !== 3) return;
        // What another process does when it finds the run's heartbeat stale.
        const store = await Store.open(path.join(home, 'data', 'gagent.db'));
        const ids = (await store.queue.running()).map((r) => r.id);
        await store.queue.markInterrupted(ids, 'Given up for dead by the test.', new Date().toISOString());
        await store.close();
        asked = model.requests().length;
      },
    });
    const env = cliEnv(home, modelEnv(model));
    const run = await runGagent(runArgs(vm, ['--no-reflection']), env);

    expect(typed(vm)).toEqual([0, 1, 2, 3]);
    expect(model.requests()).toHaveLength(asked);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      'gagent: The run stopped after 4 steps because it was given up for dead and is no longer this process’s to record.\n',
    );
    const after = await shown(env, String(events(run.stdout)[0]?.runId));
    expect(after.run).toMatchObject({ status: 'interrupted', summary: 'Given up for dead by the test.' });
    expect(after.steps.map((s) => s.idx)).toEqual([0, 1, 2]);
  });
});

describe.skipIf(!PG)('a PostgreSQL database lost for good mid-run', () => {
  it('stops the run before its next step; how it ended cannot be written, so it reads interrupted once the process is gone', async () => {
    const url = (await freshPgDatabase(PG)) as string;
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`alter database "${name}" with allow_connections true`);
      await admin.end();
    });
    const vm = later(await startFakeOsworld({ width: 1280, height: 800 }));
    let asked = 0;
    const model: FakeModelServer = await typingModel({
      plan: async (step) => {
        if (step !== 3) return;
        // No connection to it from now on: those open are ended, new ones refused.
        await admin.query(`alter database "${name}" with allow_connections false`);
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
          name,
        ]);
        asked = model.requests().length;
      },
    });
    const env = cliEnv(tempHome(), { ...modelEnv(model), DB_URL: url });
    // No verdicts: step 2's would still be on its way to the server when the database goes.
    const run = await runGagent(runArgs(vm, ['--no-reflection']), env);

    const why = `database "${name}" is not currently accepting connections (55000)`;
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      `gagent: warning: how the run ended could not be saved (${why}); gagent marks it interrupted once this process has ended or its heartbeat is a minute old.`,
      `gagent: The run stopped after 4 steps because its history could not be saved: ${why}.`,
    ]);
    expect(typed(vm)).toEqual([0, 1, 2, 3]);
    expect(model.requests()).toHaveLength(asked);

    // The database back: the run's process is gone, so the next command marks it interrupted.
    await admin.query(`alter database "${name}" with allow_connections true`);
    const runId = String(events(run.stdout)[0]?.runId);
    const after = await shown(env, runId);
    expect(after.run.status).toBe('interrupted');
    expect(after.steps.map((s) => s.idx)).toEqual([0, 1, 2]);
  }, 60_000);
});
