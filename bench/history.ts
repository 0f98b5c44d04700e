/**
 * The run history: `runs show <prefix>` and `runs list` on a home with 1,000 runs beside one with
 * 100,000, through the built binary. Both are index lookups, so the larger history must cost
 * (almost) nothing more.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Store } from '../src/store/store.js';
import type { Tables } from '../src/store/tables.js';
import { cliEnv, runGagent, tempHome } from '../test/helpers/cli.js';
import { type BenchRow, interleaved } from './table.js';

const DAY_MS = 86_400_000;

/** A home whose history holds `count` finished runs of one user spread over 300 days; returns its env and one run's id. */
async function seedHistory(count: number): Promise<{ env: NodeJS.ProcessEnv; sampleId: string }> {
  const home = tempHome('gagent-bench-');
  const env = cliEnv(home);
  const store = await Store.open(path.join(env.GAGENT_HOME as string, 'gagent.db'));
  const start = Date.parse('2026-01-01T00:00:00Z');
  const runs: Tables['runs']['$inferInsert'][] = [];
  const steps: Tables['runSteps']['$inferInsert'][] = [];
  for (let i = 0; i < count; i++) {
    const at = start + Math.floor((i * 300 * DAY_MS) / count);
    const id = `run_${at.toString(36)}${randomBytes(3).toString('hex')}`;
    runs.push({
      id,
      userId: 'singleton',
      task: `benchmark task ${i}`,
      status: 'done',
      model: 'openai:bench',
      controller: 'none',
      startedAt: new Date(at).toISOString(),
      finishedAt: new Date(at + 1000).toISOString(),
      summary: 'Done.',
      pid: 1,
      host: 'bench',
    });
    steps.push({
      runId: id,
      idx: 0,
      kind: 'gui',
      plan: 'Wait for the page.',
      action: { name: 'wait', args: { seconds: 1 } },
      outcome: { type: 'done' },
      durationMs: 1000,
    });
  }
  // Many rows a statement, all in one transaction: a 100k history is seeded in seconds.
  await store.transaction(async (tx, t) => {
    for (let i = 0; i < count; i += 500) {
      await tx.insert(t.runs).values(runs.slice(i, i + 500));
      await tx.insert(t.runSteps).values(steps.slice(i, i + 500));
    }
  });
  await store.close();
  return { env, sampleId: runs[Math.floor(count / 2)]?.id as string };
}

async function gagent(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runGagent(args, env);
  if (result.code !== 0) throw new Error(`gagent ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
}

export async function benchHistory(rounds = 15): Promise<BenchRow[]> {
  const small = await seedHistory(1_000);
  const large = await seedHistory(100_000);
  // The shortest prefix that names one run: the id without its last random characters.
  const prefix = (id: string) => id.slice(0, -3);
  const medians = await interleaved(
    {
      showSmall: () => gagent(['runs', 'show', prefix(small.sampleId), '--json'], small.env),
      showLarge: () => gagent(['runs', 'show', prefix(large.sampleId), '--json'], large.env),
      listSmall: () => gagent(['runs', 'list', '--json'], small.env),
      listLarge: () => gagent(['runs', 'list', '--json'], large.env),
    },
    rounds,
  );
  return [
    {
      what: 'runs show <prefix>, 100k runs',
      value: medians.showLarge as number,
      unit: 'ms',
      baseline: { what: '1k runs', value: medians.showSmall as number },
      budget: { ratio: 1.2 },
    },
    {
      what: 'runs list, 100k runs',
      value: medians.listLarge as number,
      unit: 'ms',
      baseline: { what: '1k runs', value: medians.listSmall as number },
      budget: { ratio: 1.2 },
    },
  ];
}
