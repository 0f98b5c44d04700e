import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

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
