import { describe, expect, inject, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent } from '../helpers/cli.js';
import { generatorRequests, modelEnv, reply } from '../helpers/scripted-run.js';
import { until } from '../helpers/until.js';
import { workerHarness } from '../helpers/worker-harness.js';

const PG = inject('pgUrl');
const cleanups = cleanupAfterEach();
const { model, worker, database, submit, killWorkerMidRun, runReaching } = workerHarness(cleanups, PG);

describe.each([
  ['SQLite', 'sqlite', false],
  ['PostgreSQL', 'postgres', !PG],
] as const)('workers on %s', (_name, dialect, skip) => {
  it.skipIf(skip)('two workers carry out 12 submitted runs, each exactly once', async () => {
    const db = await database(dialect);
    const fake = await model(() => reply('agent.done()', 'Nothing else to do.'));
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const tasks = Array.from({ length: 12 }, (_, i) => `errand number ${String(i).padStart(2, '0')}`);
    const ids: string[] = [];
    for (let i = 0; i < tasks.length; i += 4)
      ids.push(...(await Promise.all(tasks.slice(i, i + 4).map((t) => submit(env, t)))));
    const queued = JSON.parse(
      (await runGagent(['runs', 'list', '--json', '--limit', '50'], env)).stdout,
    ).runs;
    expect(queued.map((r: { status: string }) => r.status)).toEqual(Array(tasks.length).fill('queued'));

    const a = worker(env);
    const b = worker(env);
    const store = await db.open();
    cleanups.push(() => store.close());
    await until(async () => {
      const runs = await store.runs.list('singleton', 50);
      return runs.every((r) => r.status === 'done') ? runs : undefined;
    });
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([(await a.done).code, (await b.done).code]).toEqual([0, 0]);

    // Each task reached the model exactly once: no run was carried out twice.
    const asked = generatorRequests(fake.requests());
    for (const task of tasks) expect(asked.filter((r) => r.text.includes(task))).toHaveLength(1);
    const listed = JSON.parse(
      (await runGagent(['runs', 'list', '--json', '--limit', '50'], env)).stdout,
    ).runs;
    const workers = new Set([`${a.child.pid}`, `${b.child.pid}`]);
    for (const run of listed as { id: string; worker: string }[]) {
      expect(ids).toContain(run.id);
      expect(workers).toContain(run.worker.split(':').at(-1));
    }
    const events = (a.stdout() + b.stdout()).split('\n').filter((l) => l.includes('"run_finished"'));
    expect(events).toHaveLength(tasks.length);
  });

  it.skipIf(skip)('a worker killed mid-run leaves its run marked interrupted by another worker', async () => {
    const db = await database(dialect);
    const fake = await model(() => ({ hang: true }));
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const runId = await submit(env, 'wait forever');
    const { survivor, store } = await killWorkerMidRun(env, db, () => fake.requests().length > 0);
    // Read straight from the database (runs list would mark it itself): the surviving worker did.
    const run = await runReaching(store, runId, 'interrupted');
    expect(run.summary).toContain('ended without finishing');
    survivor.child.kill('SIGTERM');
    expect((await survivor.done).code).toBe(0);
  });

  it.skipIf(skip)(
    'a run submitted with --retries starts over on another worker when its worker dies',
    async () => {
      const db = await database(dialect);
      let calls = 0;
      // The first worker's model call never returns; the retry's does.
      const fake = await model(() => (++calls === 1 ? { hang: true } : reply('agent.done()', 'Done now.')));
      const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
      const runId = await submit(env, 'try twice', ['--retries', '1']);
      const { survivor, store } = await killWorkerMidRun(env, db, () => calls > 0);
      const run = await runReaching(store, runId, 'done');
      expect(run.retried).toBe(1);
      expect(run.pid).toBe(survivor.child.pid);
      expect((await store.runs.steps(runId)).map((s) => s.outcome)).toEqual([{ type: 'done' }]);
      survivor.child.kill('SIGTERM');
      expect((await survivor.done).code).toBe(0);
    },
  );

  it.skipIf(skip)(
    'runs cancel stops one run after its current step, keeps its history, and the worker goes on',
    async () => {
      const db = await database(dialect);
      let othersSteps = 0;
      const fake = await model(async (request) => {
        if (request.text.includes('the other task')) {
          othersSteps += 1;
          return othersSteps >= 8 ? reply('agent.done()', 'Done.') : reply('agent.wait(0.2)', 'Wait.');
        }
        await new Promise((r) => setTimeout(r, 100));
        return reply('agent.wait(0.1)', 'Keep waiting.');
      });
      const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
      // Queued and cancelled before any worker runs: it never starts.
      const never = await submit(env, 'never to run');
      const cancelledQueued = await runGagent(['runs', 'cancel', never, '--json'], env);
      expect([cancelledQueued.code, JSON.parse(cancelledQueued.stdout).status]).toEqual([0, 'cancelled']);
      const target = await submit(env, 'wait until cancelled', ['--max-steps', '200']);
      const other = await submit(env, 'the other task', ['--max-steps', '50']);
      const w = worker(env, 2);
      const store = await db.open();
      cleanups.push(() => store.close());
      await until(async () => ((await store.runs.steps(target)).length >= 2 ? true : undefined));
      const refused = await runGagent(['runs', 'delete', target], env);
      expect([refused.code, refused.stderr.trim()]).toEqual([
        2,
        `gagent: The run ${target} is still running. Stop it with gagent runs cancel ${target} (it ends after its current step), then delete it.`,
      ]);
      const asked = await runGagent(['runs', 'cancel', target.slice(0, -2), '--json'], env);
      expect([asked.code, JSON.parse(asked.stdout)]).toEqual([
        0,
        { user: 'singleton', runId: target, status: 'cancelling' },
      ]);
      const ended = await runReaching(store, target, 'cancelled');
      expect(ended.summary).toMatch(
        /^Cancelled after \d+ steps \(gagent runs cancel\); the history is saved\.$/,
      );
      const kept = await store.runs.steps(target);
      expect(kept.length).toBeGreaterThanOrEqual(2);
      expect(kept.map((s) => (s.outcome as { type: string }).type)).not.toContain('interrupted');
      expect((await runReaching(store, other, 'done')).status).toBe('done');
      expect((await store.runs.get('singleton', never))?.status).toBe('cancelled');
      expect(await store.runs.steps(never)).toEqual([]);
      const again = await runGagent(['runs', 'cancel', target], env);
      expect([again.code, again.stderr.trim()]).toEqual([
        2,
        `gagent: The run ${target} has already ended (cancelled); there is nothing to cancel. See it with gagent runs show ${target}.`,
      ]);
      expect(w.child.exitCode).toBeNull();
    },
  );

  it.skipIf(skip)('SIGTERM lets the step in progress finish, then the run stops cleanly', async () => {
    const db = await database(dialect);
    let steps = 0;
    const fake = await model(async () => {
      steps += 1;
      await new Promise((r) => setTimeout(r, 600));
      return reply('agent.wait(0.1)', 'Keep waiting.');
    });
    const env = cliEnv(db.home, { ...modelEnv(fake), ...db.extra });
    const runId = await submit(env, 'keep waiting', ['--max-steps', '20']);
    const w = worker(env, 1);
    await until(async () => (steps > 0 ? true : undefined));
    w.child.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
    const shown = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], env)).stdout);
    expect(shown.run.status).toBe('interrupted');
    expect(shown.run.summary).toContain('its worker was asked to stop');
    // The step that was thinking when the signal came finished and was recorded as done.
    expect(shown.steps.length).toBeGreaterThanOrEqual(1);
    expect(shown.steps.map((s: { outcome: { type: string } }) => s.outcome.type)).not.toContain(
      'interrupted',
    );
  });
});
