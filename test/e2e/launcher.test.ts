import { describe, expect, it } from 'vitest';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';

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
});
