/**
 * Workers: submitted runs completed per minute by 1, 2 and 4 worker processes on one SQLite
 * database, and on one PostgreSQL database when its binaries are here (scripted runs: the model
 * answers at once, no screen), and the claim latency — from a run's submission to a waiting worker
 * taking it.
 */
import path from 'node:path';
import { newRunId } from '../src/runner/run-task.js';
import { Store } from '../src/store/store.js';
import { startOpenAIFake } from '../test/fakes/model/scripted-server.js';
import { cliEnv, spawnGagent, tempHome } from '../test/helpers/cli.js';
import { findPgBin, freshPgDatabase, startPgServer } from '../test/helpers/postgres.js';
import { modelEnv, reply } from '../test/helpers/scripted-run.js';
import { until } from '../test/helpers/until.js';
import { type BenchRow, median } from './table.js';

const RUNS = 200;
/** Finely, with no deadline a slow machine could miss: the poll is the measurement's grain. */
const POLL = { everyMs: 20, timeoutMs: 600_000 };

/** PostgreSQL's maintenance URL, or none for SQLite. */
async function throughput(
  workers: number,
  pgServer?: string,
): Promise<{ perMinute: number; claimMs: number[] }> {
  const model = await startOpenAIFake({ script: () => reply('agent.done()', 'Done.') });
  const home = tempHome('gagent-bench-');
  const url = pgServer ? ((await freshPgDatabase(pgServer)) as string) : undefined;
  const env = cliEnv(home, { ...modelEnv(model), ...(url ? { DB_URL: url } : {}) });
  const store = await Store.open(url ? { dialect: 'postgres', url } : path.join(home, 'data', 'gagent.db'));
  const spawned = Array.from({ length: workers }, () => spawnGagent(['worker', '--json'], env));
  await Promise.all(spawned.map((w) => w.waitFor(/gagent worker .* on /)));
  try {
    // Claim latency: one run at a time, submitted while the workers wait.
    const claimMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newRunId();
      const at = Date.now();
      await store.queue.submit({
        id,
        userId: 'singleton',
        request: {
          task: `probe ${i}`,
          maxSteps: 3,
          reflection: false,
          mcp: false,
          yes: false,
          controller: 'none',
        },
        queuedAt: new Date(at).toISOString(),
      });
      const claimed = await until(async () => {
        const run = await store.runs.get('singleton', id);
        return run && run.status !== 'queued' ? run : undefined;
      }, POLL);
      claimMs.push(Date.parse(claimed.startedAt) - at);
      await until(
        async () => ((await store.runs.get('singleton', id))?.status === 'done' ? true : undefined),
        POLL,
      );
    }
    // Throughput: RUNS queued at once, timed until the last is done.
    const started = performance.now();
    await store.transaction(async (tx, t) => {
      const queuedAt = new Date().toISOString();
      await tx.insert(t.runs).values(
        Array.from({ length: RUNS }, (_, i) => ({
          id: newRunId() + String(i).padStart(2, '0'),
          userId: 'singleton',
          task: `errand ${i}`,
          status: 'queued' as const,
          model: '(the worker’s)',
          controller: 'none',
          startedAt: queuedAt,
          queuedAt,
          options: {
            task: `errand ${i}`,
            maxSteps: 3,
            reflection: false,
            mcp: false,
            yes: false,
            controller: 'none',
          },
        })),
      );
    });
    await store.queue.announceQueued();
    await until(async () => {
      const runs = await store.runs.list('singleton', RUNS + 10);
      return runs.filter((r) => r.status === 'done').length >= RUNS + 5 ? true : undefined;
    }, POLL);
    const minutes = (performance.now() - started) / 60_000;
    return { perMinute: RUNS / minutes, claimMs };
  } finally {
    for (const w of spawned) w.child.kill('SIGTERM');
    await Promise.all(spawned.map((w) => w.done));
    await store.close();
    await model.close();
  }
}

async function rowsFor(label: string, pgServer?: string): Promise<{ rows: BenchRow[]; claims: number[] }> {
  const rows: BenchRow[] = [];
  const claims: number[] = [];
  let one = 0;
  for (const workers of [1, 2, 4]) {
    const { perMinute, claimMs } = await throughput(workers, pgServer);
    claims.push(...claimMs);
    if (workers === 1) one = perMinute;
    rows.push({
      what: `submitted runs completed per minute, ${workers} worker${workers === 1 ? '' : 's'} (${label})`,
      value: Math.round(perMinute),
      unit: 'of',
      ...(workers > 1 ? { baseline: { what: '1 worker', value: Math.round(one) } } : {}),
    });
  }
  return { rows, claims };
}

export async function benchWorkers(): Promise<BenchRow[]> {
  const sqlite = await rowsFor('SQLite');
  const rows = [...sqlite.rows];
  rows.push({
    what: 'claim latency on SQLite (submitted → taken by an idle worker)',
    value: median(sqlite.claims),
    unit: 'ms',
  });
  const bin = findPgBin();
  if (!bin) return rows;
  const server = await startPgServer(bin);
  try {
    const pg = await rowsFor('PostgreSQL', server.url());
    rows.push(...pg.rows);
    rows.push({ what: 'claim latency on PostgreSQL', value: median(pg.claims), unit: 'ms' });
  } finally {
    server.stop();
  }
  return rows;
}
