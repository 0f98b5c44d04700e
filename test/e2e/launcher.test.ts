import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { startPageServer } from '../fixtures/page-server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { BIN, cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { modelEnv, reply } from '../helpers/scripted-run.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

const packageJson = JSON.parse(fs.readFileSync(path.join(path.dirname(BIN), '..', 'package.json'), 'utf8'));

/** Node programs on PATH older than the one running the tests (a fresh Debian ships Node 20). */
function olderNodes(): string[] {
  const found = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const node = path.join(dir, 'node');
    if (!fs.existsSync(node)) continue;
    const real = fs.realpathSync(node);
    if (real === fs.realpathSync(process.execPath)) continue;
    const version = spawnSync(real, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (Number(/^v(\d+)/.exec(version)?.[1]) < 22) found.add(real);
  }
  return [...found];
}

describe('the launcher', () => {
  it('answers --help with exactly the help the live program prints', async () => {
    const env = cliEnv(tempHome());
    const prebuilt = await runGagent(['--help'], env);
    // Two arguments, so the launcher hands this one to the bundled CLI.
    const live = await runGagent(['help'], env);
    expect(prebuilt.code).toBe(0);
    expect(live.code).toBe(0);
    expect(prebuilt.stdout).toBe(live.stdout);
    expect(prebuilt.stdout).toContain('approvals');
  });

  it('answers --version with the package version', async () => {
    const result = await runGagent(['--version'], cliEnv(tempHome()));
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('with GAGENT_DEBUG=1, stack traces point at the TypeScript sources, not at bundle chunks', async () => {
    const result = await runGagent(
      ['run', 'x', '--controller', 'none'],
      cliEnv(tempHome(), { GAGENT_DEBUG: '1' }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at prepareModels \(.*src\/runner\/models\.ts:\d+:\d+\)/);
    expect(result.stderr).not.toContain('dist/chunks');
  });

  it('on a Node older than the one gagent needs, says which it needs in one sentence and writes nothing', () => {
    const required = String(packageJson.engines.node).replace(/^>=/, '');
    // A Node that reports an older version, and every older Node this machine really has.
    const preload = path.join(tempDir('gagent-node-'), 'node20.cjs');
    fs.writeFileSync(preload, "Object.defineProperty(process.versions, 'node', { value: '20.20.2' });\n");
    const runs = [
      { node: process.execPath, extra: { NODE_OPTIONS: `--require ${preload}` } },
      ...olderNodes().map((node) => ({ node, extra: {} })),
    ];
    for (const { node, extra } of runs) {
      for (const args of [['status'], ['runs', 'list'], ['--version']]) {
        const home = tempHome();
        const env = cliEnv(home, extra);
        const result = spawnSync(node, [BIN, ...args], { env, encoding: 'utf8' });
        expect(result.status, `${node} ${args.join(' ')}`).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(
          new RegExp(
            `^gagent: gagent needs Node\\.js ${required.replace(/\./g, '\\.')} or newer, and this is Node\\.js 20\\.[\\d.]+; install Node 22 or 24 .*\\.\\n$`,
          ),
        );
        expect(fs.existsSync(env.GAGENT_HOME as string)).toBe(false);
      }
    }
  });
});

/** The environment a process was started with, and its command line, as the kernel shows them. */
function started(pid: number): { env: Map<string, string>; argv: string[] } {
  const fields = (file: string) =>
    fs.readFileSync(`/proc/${pid}/${file}`, 'latin1').split('\0').filter(Boolean);
  const env = new Map(
    fields('environ').map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
  return { env, argv: fields('cmdline') };
}

type Started = ReturnType<typeof started>;

/** The processes `pid` started itself. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The parent pid is the second field after the parenthesized command name.
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // it ended meanwhile
      }
    })
    .map(Number);
}

const noChromium = unavailable(['chromium'], 'the launcher test with the browser controller');

describe.skipIf(process.platform !== 'linux' || noChromium)(
  'run and worker start with memory settings for long runs',
  () => {
    it('a run restarts in place with two malloc arenas, big blocks given back and a small young generation; the browser does not inherit them', async () => {
      let pid = 0;
      const seen: { self?: Started; children?: Started[] } = {};
      const model = later(
        await startOpenAIFake({
          script: () => {
            if (!seen.self)
              Object.assign(seen, { self: started(pid), children: childrenOf(pid).map(started) });
            return reply('agent.done()');
          },
        }),
      );
      const pages = later(await startPageServer());
      const run = spawnGagent(
        ['run', 'look', '--controller', 'browser', '--url', `${pages.url}/form`, '--no-reflection'],
        cliEnv(tempHome(), modelEnv(model)),
      );
      pid = run.child.pid as number;
      const result = await run.done;
      expect(result.code).toBe(0);
      const self = seen.self as Started;
      const children = seen.children ?? [];
      // The same process (pid), started again with the settings.
      expect(self.env.get('MALLOC_ARENA_MAX')).toBe('2');
      expect(self.env.get('MALLOC_MMAP_THRESHOLD_')).toBe('131072');
      expect(self.argv).toContain('--max-semi-space-size=2');
      expect(children.length).toBeGreaterThan(0);
      for (const child of children) {
        expect(child.argv[0]).toMatch(/chrom/);
        expect([...child.env.keys()].filter((k) => /^MALLOC_|^GAGENT_TUNED/.test(k))).toEqual([]);
      }
    });

    it('a restart mark coming from the environment removes nothing but those settings', async () => {
      const model = later(await startOpenAIFake({ script: [reply('agent.done()')] }));
      const pages = later(await startPageServer());
      // Were PATH removed, the browser controller would not find Chromium.
      const result = await runGagent(
        ['run', 'look', '--controller', 'browser', '--url', `${pages.url}/form`, '--no-reflection'],
        cliEnv(tempHome(), { ...modelEnv(model), GAGENT_TUNED_START: 'PATH,HOME' }),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    });

    it("a worker restarts in place too, and a user's own settings win", async () => {
      const worker = spawnGagent(
        ['worker'],
        cliEnv(tempHome(), { MALLOC_ARENA_MAX: '4', NODE_OPTIONS: '--max-semi-space-size=8' }),
      );
      cleanups.push(async () => {
        worker.child.kill('SIGTERM');
        await worker.done;
      });
      const [, announcedPid] = await worker.waitFor(/gagent worker w_[0-9a-f]+ \([^\s]+:(\d+)\) on /);
      expect(Number(announcedPid)).toBe(worker.child.pid);
      const self = started(worker.child.pid as number);
      expect(self.env.get('MALLOC_ARENA_MAX')).toBe('4');
      expect(self.env.get('MALLOC_MMAP_THRESHOLD_')).toBe('131072');
      expect(self.argv.filter((a) => a.includes('semi-space'))).toEqual([]);
      expect(self.argv.at(-1)).toBe('worker');
    });
  },
);
