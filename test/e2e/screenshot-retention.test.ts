/**
 * The screenshots a run keeps, and the user's say over them: GAGENT_KEEP_SCREENSHOTS (all, none,
 * days), runs delete and runs prune taking the pictures with the rows, debug db showing their
 * size — and a full disk that loses the pictures, never the steps.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newAttempt } from '../../src/runner/liveness.js';
import { Store } from '../../src/store/store.js';
import { startFakeOsworld } from '../fakes/osworld/server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { BIN, cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { events, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { runInTerminal } from '../helpers/terminal.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

/** A three-step GUI run on the OSWorld fake (click, type, done); returns its env and run id. */
async function guiRun(extra: Record<string, string> = {}, detailed = false, home = tempHome()) {
  const vm = later(await startFakeOsworld({ width: 1280, height: 800, detailed }));
  const model = later(
    await startScriptedModel(
      [reply('agent.click("The Send button")'), reply('agent.type(text="hello")'), reply('agent.done()')],
      { 'The Send button': [640, 400] },
    ),
  );
  const env = cliEnv(home, { ...modelEnv(model), ...extra });
  const args = ['run', 'send it', '--controller', 'osworld', '--controller-url', vm.url, '--json'];
  return { env, args, vm };
}

async function dbRows(env: NodeJS.ProcessEnv) {
  const out = await runGagent(['debug', 'db', '--json'], env);
  return JSON.parse(out.stdout) as {
    rows: Record<string, number>;
    screenshots: { count: number; bytes: number };
  };
}

describe('screenshots kept with a run', () => {
  it('keeps one WebP per step by default; runs delete and runs prune take them with the rows', async () => {
    const { env, args } = await guiRun();
    const first = await runGagent(args, env);
    expect(first.code).toBe(0);
    const again = await guiRun({}, false, env.HOME);
    expect((await runGagent(again.args, again.env)).code).toBe(0);
    const db = await dbRows(env);
    expect(db.rows.step_artifacts).toBe(6);
    expect(db.screenshots.count).toBe(6);
    expect(db.screenshots.bytes).toBeGreaterThan(0);
    const human = await runInTerminal(['debug', 'db'], env);
    expect(human.output).toMatch(/screenshots\s+6, \d+\.\d KB in all/);

    await runGagent(['runs', 'delete', String(events(first.stdout)[0]?.runId)], env);
    expect((await dbRows(env)).rows.step_artifacts).toBe(3);
    await runGagent(['runs', 'prune', '--older-than', '0', '--yes'], env);
    expect((await dbRows(env)).rows).toMatchObject({ runs: 0, run_steps: 0, step_artifacts: 0 });
  });

  it('GAGENT_KEEP_SCREENSHOTS=none keeps none; a bad value is one sentence and exit 2', async () => {
    const { env, args } = await guiRun({ GAGENT_KEEP_SCREENSHOTS: 'none' });
    const run = await runGagent(args, env);
    expect(run.code).toBe(0);
    expect(await dbRows(env)).toMatchObject({ rows: { run_steps: 3, step_artifacts: 0 } });
    const shown = JSON.parse(
      (await runGagent(['runs', 'show', String(events(run.stdout)[0]?.runId), '--json'], env)).stdout,
    );
    expect(shown.steps.map((s: { screenshot: unknown }) => s.screenshot)).toEqual([null, null, null]);

    const bad = await runGagent(args, { ...env, GAGENT_KEEP_SCREENSHOTS: 'forever' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'gagent: GAGENT_KEEP_SCREENSHOTS must be all, none or a number of days from 1 to 36500, got "forever". For example: GAGENT_KEEP_SCREENSHOTS=30 keeps a month of screenshots.',
    );
  });

  it('GAGENT_KEEP_SCREENSHOTS=DAYS removes older pictures of the user, keeping the runs and other users’ pictures', async () => {
    const { env, args } = await guiRun();
    // Two runs from 40 days ago, one of this user and one of another, each with a picture.
    const store = await Store.open(path.join(env.GAGENT_HOME as string, 'gagent.db'));
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    for (const [id, userId] of [
      ['run_old_mine', 'singleton'],
      ['run_old_theirs', 'bob'],
    ] as const) {
      const owner = newAttempt();
      await store.runs.create(
        { id, userId, task: 'old', model: 'm', controller: 'osworld', startedAt: old },
        owner,
      );
      await store.runs.finish(id, 'done', 'Done.', old, owner);
      await store.artifacts.saveScreenshot({
        runId: id,
        idx: 0,
        mediaType: 'image/webp',
        width: 2,
        height: 2,
        screenWidth: 2,
        screenHeight: 2,
        data: Buffer.from('not really a picture'),
      });
    }
    await store.close();
    const run = await runGagent(args, { ...env, GAGENT_KEEP_SCREENSHOTS: '30' });
    expect(run.code).toBe(0);
    // Mine from 40 days ago is gone, its run stays; bob's stays; the new run's three are there.
    expect((await dbRows(env)).rows).toMatchObject({ runs: 2, step_artifacts: 3 });
    expect((await dbRows({ ...env, GAGENT_USER: 'bob' })).rows).toMatchObject({ runs: 1, step_artifacts: 1 });
    const mine = JSON.parse((await runGagent(['runs', 'show', 'run_old_mine', '--json'], env)).stdout);
    expect(mine.run.id).toBe('run_old_mine');
    const theirs = JSON.parse(
      (await runGagent(['runs', 'show', 'run_old_theirs', '--json', '--user', 'bob'], env)).stdout,
    );
    expect(theirs.steps).toEqual([]);
  });
});

const UNSHARE = process.getuid?.() === 0 ? ['unshare', '-m'] : ['unshare', '-Urm'];

/** Runs a shell script in a private mount namespace (so it can mount a small tmpfs); resolves with its output. */
function inMountNamespace(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(UNSHARE[0] as string, [...UNSHARE.slice(1), 'sh', '-c', script], { env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe.skipIf(unavailable(['unshare', 'mount', 'truncate', 'dd'], 'the full-disk test'))(
  'a full disk',
  () => {
    it('loses the pictures with one warning, never the steps', async () => {
      const { env, args } = await guiRun({}, true);
      // gagent's home on a 2 MB tmpfs, filled until 256 KB are left: room for the steps, not for
      // the pictures (a detailed 1280×800 screenshot compresses to ~280 KB).
      const script = `
      set -e
      mkdir -p "$GAGENT_HOME"
      mount -t tmpfs -o size=2m,mode=0700 tmpfs "$GAGENT_HOME"
      "$NODE" "$BIN" debug db --json > /dev/null
      dd if=/dev/zero of="$GAGENT_HOME/filler" bs=4096 2>/dev/null || true
      truncate -s -256K "$GAGENT_HOME/filler"
      set +e
      "$NODE" "$BIN" ${args.map((a) => `'${a}'`).join(' ')}
      echo "run exit $?"
      echo "=== history"
      "$NODE" "$BIN" runs list --json
      "$NODE" "$BIN" debug db --json
    `;
      const result = await inMountNamespace(script, { ...env, NODE: process.execPath, BIN });
      expect(result.code).toBe(0);
      const [run, history] = result.out.split('=== history');
      expect(run).toContain('run exit 0');
      const warnings = (run ?? '').split('\n').filter((l) => l.includes('"type":"warning"'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        'Screenshots of this run are no longer kept: the disk is full. Its steps still are; free some space, or set GAGENT_KEEP_SCREENSHOTS=none.',
      );
      expect(history).toMatch(/"status": "done"/);
      expect(history).toMatch(/"run_steps": 3/);
      expect(history).toMatch(/"step_artifacts": 0/);
    });
  },
);
