/**
 * Start-up: `gagent --version`, `--help` and `status --json` (warm sync state) beside a bare
 * `node -e 0`, all spawned the same way and interleaved.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/store/store.js';
import { tempDir } from '../test/helpers/temp.js';
import { type BenchRow, interleaved } from './table.js';

const BIN = fileURLToPath(new URL('../bin/gagent.cjs', import.meta.url));

async function seedWarmHome(): Promise<NodeJS.ProcessEnv> {
  const home = tempDir('gagent-bench-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GAGENT_HOME: path.join(home, 'data'),
    // A dead endpoint: if status asked Composio it would fail, which the bench checks.
    COMPOSIO_BASE_URL: 'http://127.0.0.1:9',
    COMPOSIO_API_KEY: 'ak_bench_not_used',
  };
  const store = await Store.open(path.join(home, 'data', 'gagent.db'));
  // Fresh for 30 s: long enough for the whole start-up bench.
  const syncedAt = new Date().toISOString();
  await store.accounts.finalizeConnection({
    userId: 'singleton',
    provider: 'gmail',
    toolkitSlug: 'gmail',
    authConfig: { id: 'ac_bench', authScheme: 'OAUTH2', status: 'ENABLED' },
    connectedAccountId: 'ca_bench',
    mcp: { url: 'http://127.0.0.1:9/tool_router/trs_bench/mcp', headers: {} },
    syncedAt,
  });
  await store.sync.record('singleton', 'slack', 'NOT_CONNECTED', syncedAt);
  await store.close();
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  }
}

export async function benchStartup(rounds = 15): Promise<BenchRow[]> {
  const env = await seedWarmHome();
  const status = spawnSync(process.execPath, [BIN, 'status', '--json'], { env });
  if (status.status !== 0 || status.stderr.length > 0) {
    throw new Error(
      `status --json with warm sync state must not talk to Composio: ${status.stderr.toString()}`,
    );
  }
  const medians = await interleaved(
    {
      node: () => run(['-e', '0'], env),
      version: () => run([BIN, '--version'], env),
      help: () => run([BIN, '--help'], env),
      status: () => run([BIN, 'status', '--json'], env),
    },
    rounds,
  );
  const baseline = { what: 'node -e 0', value: medians.node as number };
  return [
    {
      what: 'gagent --version',
      value: medians.version as number,
      unit: 'ms',
      baseline,
      budget: { ratio: 1.5 },
    },
    { what: 'gagent --help', value: medians.help as number, unit: 'ms', baseline, budget: { ratio: 1.5 } },
    {
      what: 'gagent status --json (warm)',
      value: medians.status as number,
      unit: 'ms',
      baseline,
      budget: { ratio: 4 },
    },
  ];
}
