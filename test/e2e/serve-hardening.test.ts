/**
 * `gagent serve` between users and flaky clients, on SQLite and on PostgreSQL: `debug db` counts
 * only the caller's rows, and a submit retried with its Idempotency-Key queues one run — also when
 * twenty copies arrive at once — while the same key with another body is refused.
 */
import { describe, expect, inject, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { freshPgDatabase } from '../helpers/postgres.js';
import { SERVE_TOKEN, serveApi, startServe } from '../helpers/serve.js';

const PG = inject('pgUrl');
const cleanups = cleanupAfterEach();

async function serveOn(postgres: boolean) {
  const db = postgres ? { DB_URL: (await freshPgDatabase(PG)) as string } : {};
  const env = cliEnv(tempHome(), { GAGENT_SERVE_TOKEN: SERVE_TOKEN, ...db });
  const { url } = await startServe(env, cleanups);
  return { env, call: serveApi(url) };
}

describe.each([
  ['SQLite', false, false],
  ['PostgreSQL', true, !PG],
] as const)('gagent serve on %s', (_name, postgres, skip) => {
  it.skipIf(skip)("debug db shows the caller's rows only", async () => {
    const { env, call } = await serveOn(postgres);
    for (const [user, n] of [
      ['ada', 3],
      ['bob', 1],
    ] as const)
      for (let i = 0; i < n; i++)
        expect((await call('POST', '/v1/runs', { user, body: { task: `task ${i}` } })).status).toBe(202);
    const rows = async (user?: string) => (await call('GET', '/v1/debug/db', { user })).json;
    expect(await rows('ada')).toMatchObject({ user: 'ada', rows: { runs: 3 }, screenshots: { count: 0 } });
    expect((await rows('bob')).rows.runs).toBe(1);
    expect((await rows()).rows.runs).toBe(0);
    const cli = await runGagent(['debug', 'db', '--user', 'bob', '--json'], env);
    expect(JSON.parse(cli.stdout)).toMatchObject({ user: 'bob', rows: { runs: 1 } });
  });

  it.skipIf(skip)(
    'POST /v1/runs/{id}/cancel cancels the caller’s queued run, and no one else’s',
    async () => {
      const { call } = await serveOn(postgres);
      const queued = await call('POST', '/v1/runs', {
        user: 'ada',
        body: { task: 'wait', controller: 'none' },
      });
      const runId = queued.json.runId as string;
      expect((await call('POST', `/v1/runs/${runId}/cancel`, { user: 'bob' })).status).toBe(404);
      const cancelled = await call('POST', `/v1/runs/${runId}/cancel`, { user: 'ada' });
      expect([cancelled.status, cancelled.json]).toEqual([200, { user: 'ada', runId, status: 'cancelled' }]);
      expect((await call('GET', `/v1/runs/${runId}`, { user: 'ada' })).json.run.status).toBe('cancelled');
      const again = await call('POST', `/v1/runs/${runId}/cancel`, { user: 'ada' });
      expect([again.status, again.json.error.message]).toEqual([
        400,
        expect.stringContaining('has already ended'),
      ]);
    },
  );

  it.skipIf(skip)('a submit retried with its Idempotency-Key queues one run, per user', async () => {
    const { call } = await serveOn(postgres);
    const key = { 'Idempotency-Key': 'b6d0c1a4-2f3e-4a8b-9c7d-0e1f2a3b4c5d' };
    const body = { task: 'send Bob the report', controller: 'none', reflection: false };
    const first = await call('POST', '/v1/runs', { user: 'ada', body, headers: key });
    // No worker runs on this database: the answer says so.
    expect([first.status, first.json]).toEqual([
      202,
      {
        runId: expect.stringMatching(/^run_/),
        user: 'ada',
        status: 'queued',
        replayed: false,
        warnings: [expect.stringContaining('no gagent worker has been seen on this database for a minute')],
      },
    ]);
    const runId = first.json.runId;
    // The same run, written differently (other key order, a default spelled out): the same answer.
    const again = await call('POST', '/v1/runs', {
      user: 'ada',
      body: { reflection: false, maxSteps: 30, controller: 'none', task: 'send Bob the report' },
      headers: key,
    });
    expect([again.status, again.json, again.headers.get('idempotent-replayed')]).toEqual([
      200,
      { runId, user: 'ada', status: 'queued', replayed: true },
      'true',
    ]);
    const other = await call('POST', '/v1/runs', { user: 'ada', body: { ...body, task: 'x' }, headers: key });
    expect([other.status, other.json.error.code]).toEqual([409, 'idempotency_conflict']);
    expect(other.json.error.message).toContain(runId);
    // Keys are per user.
    const bob = await call('POST', '/v1/runs', { user: 'bob', body, headers: key });
    expect(bob.status).toBe(202);
    expect(bob.json.runId).not.toBe(runId);
    // The answer says what became of the run.
    expect((await call('POST', `/v1/runs/${runId}/cancel`, { user: 'ada' })).status).toBe(200);
    const later = await call('POST', '/v1/runs', { user: 'ada', body, headers: key });
    expect([later.status, later.json.status]).toEqual([200, 'cancelled']);

    // Twenty copies of one submit at once: one run.
    const race = { 'Idempotency-Key': 'race-1' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/v1/runs', { user: 'ada', body, headers: race })),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.json.runId)).size).toBe(1);
    expect((await call('GET', '/v1/runs', { user: 'ada' })).json.runs).toHaveLength(2);
  });
});

describe('the Idempotency-Key header', () => {
  it('is bounded and plain, and documented', async () => {
    const { call } = await serveOn(false);
    const body = { task: 'look' };
    for (const bad of ['', 'x'.repeat(201), 'has space', 'cl\u00e9']) {
      const refused = await call('POST', '/v1/runs', { body, headers: { 'Idempotency-Key': bad } });
      expect([refused.status, refused.json.error.message], bad).toEqual([
        400,
        'The Idempotency-Key header must be 1 to 200 visible ASCII characters (no spaces), for example a UUID.',
      ]);
    }
    expect(
      (await call('POST', '/v1/runs', { body, headers: { 'Idempotency-Key': 'x'.repeat(200) } })).status,
    ).toBe(202);
    expect((await call('GET', '/v1/runs')).json.runs).toHaveLength(1);
    const post = (await call('GET', '/openapi.json')).json.paths['/v1/runs'].post;
    expect(post.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '202', '409']));
  });
});
