/**
 * `gagent run` as a person meets it: exit codes on a real terminal (the live view), Ctrl+C at an
 * approval prompt, a run whose process was killed, the browser profile after Ctrl+C, and one model
 * deadline per step.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startFakeGmail } from '../fakes/mcp/providers.js';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { startPageServer } from '../fixtures/page-server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { tempDir } from '../helpers/temp.js';
import { runInTerminal, startInTmux } from '../helpers/terminal.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

const noTerminal = unavailable(['script'], 'the live-view exit code tests');

describe.skipIf(noTerminal)('exit codes of the live view on a real terminal', () => {
  it('fail() exits 5 and --max-steps 6 with an MCP server configured', async () => {
    const gmail = later(await startFakeGmail());
    const failing = later(await startScriptedModel([reply('agent.fail()', 'It cannot be done.')]));
    const env = (m: Awaited<ReturnType<typeof startScriptedModel>>) =>
      cliEnv(tempHome(), { ...modelEnv(m), GAGENT_MCP_GMAIL_URL: gmail.url.toString() });
    const failed = await runInTerminal(
      ['run', 'impossible', '--controller', 'none', '--no-reflection'],
      env(failing),
    );
    expect(failed.output).toContain('Failed: The agent called fail()');
    expect(failed.code).toBe(5);
    const looping = later(await startScriptedModel([reply('agent.wait(0.1)'), reply('agent.wait(0.1)')]));
    const capped = await runInTerminal(
      ['run', 'wait', '--controller', 'none', '--no-reflection', '--max-steps', '2'],
      env(looping),
    );
    expect(capped.output).toContain('Stopped at the step limit');
    expect(capped.code).toBe(6);
  });

  it.skipIf(unavailable(['chromium'], 'the browser live-view test'))(
    'fail() exits 5 on the browser controller',
    async () => {
      const pages = later(await startPageServer());
      const model = later(await startScriptedModel([reply('agent.fail()', 'Nothing to do here.')]));
      const result = await runInTerminal(
        ['run', 'look', '--controller', 'browser', '--url', `${pages.url}/form`, '--no-reflection'],
        cliEnv(tempHome(), modelEnv(model)),
      );
      expect(result.output).toContain('Failed: The agent called fail()');
      expect(result.code).toBe(5);
    },
  );

  it.skipIf(unavailable(['tmux'], 'the Ctrl+C approval test'))(
    'Ctrl+C at an approval prompt exits 130, with the step recorded',
    async () => {
      const gmail = later(await startFakeGmail());
      const model = later(
        await startScriptedModel([reply('agent.gmail_send_email(recipient_email="bob@example.com")')]),
      );
      const home = tempHome();
      const tmux = startInTmux(
        ['run', 'email bob', '--controller', 'none', '--no-reflection'],
        cliEnv(home, { ...modelEnv(model), GAGENT_MCP_GMAIL_URL: gmail.url.toString() }),
      );
      cleanups.push(() => tmux.close());
      await tmux.until(/Allow the MCP tool GMAIL_SEND_EMAIL on gmail\?/);
      tmux.keys('C-c');
      const screen = await tmux.until(/EXIT=\d+/);
      expect(screen).toContain('EXIT=130');
      expect(gmail.sent).toEqual([]);
      const runs = JSON.parse((await runGagent(['runs', 'list', '--json'], cliEnv(home))).stdout).runs;
      expect(runs[0]).toMatchObject({ status: 'interrupted' });
      // Nobody declined the call: the step was interrupted while it waited for an answer.
      const shown = JSON.parse(
        (await runGagent(['runs', 'show', runs[0].id, '--json'], cliEnv(home))).stdout,
      );
      expect(shown.steps).toEqual([
        expect.objectContaining({
          kind: 'mcp',
          action: expect.objectContaining({ name: 'gmail_send_email' }),
          outcome: { type: 'interrupted' },
          approval: null,
        }),
      ]);
    },
  );
});

describe('leftovers', () => {
  it('a run whose process was killed shows as interrupted, not running forever', async () => {
    const model = later(await startOpenAIFake({ script: () => ({ hang: true }) }));
    const home = tempHome();
    const cli = spawnGagent(
      ['run', 'hang', '--controller', 'none', '--no-reflection'],
      cliEnv(home, modelEnv(model)),
    );
    await cli.waitFor(/"type":"step_started"/);
    cli.child.kill('SIGKILL');
    await cli.done;
    const runs = JSON.parse((await runGagent(['runs', 'list', '--json'], cliEnv(home))).stdout).runs;
    expect(runs[0]).toMatchObject({
      status: 'interrupted',
      summary: expect.stringContaining('ended without finishing'),
      finishedAt: expect.any(String),
    });
  });

  it.skipIf(unavailable(['chromium'], 'the browser profile test'))(
    'Ctrl+C on the browser controller leaves no browser profile behind',
    async () => {
      const pages = later(await startPageServer());
      const model = later(
        await startOpenAIFake({
          script: (r) => (r.lastUserText.includes('Step 2.') ? { hang: true } : reply('agent.wait(0.1)')),
        }),
      );
      // gagent's own temporary directory, so other tests' browsers do not count.
      const tmp = tempDir('gagent-tmp-');
      const cli = spawnGagent(
        ['run', 'look', '--controller', 'browser', '--url', `${pages.url}/form`, '--no-reflection'],
        cliEnv(tempHome(), { ...modelEnv(model), TMPDIR: tmp }),
      );
      await cli.waitFor(/"type":"step_finished","step":0/, 30_000);
      expect(fs.readdirSync(tmp).filter((n) => n.startsWith('gagent-browser-'))).toHaveLength(1);
      cli.child.kill('SIGINT');
      const result = await cli.done;
      expect(result.code).toBe(130);
      expect(fs.readdirSync(tmp).filter((n) => n.startsWith('gagent-browser-'))).toEqual([]);
    },
  );
});

describe('GAGENT_MODEL_TIMEOUT', () => {
  it('is one deadline for a step’s model requests, the SDK’s retries included', async () => {
    // Every answer is a 503 that asks the client to come back in 5 s: without one deadline per
    // step the SDK would wait and retry three times.
    const model = later(await startOpenAIFake({ script: () => ({ status: 503, retryAfter: 5 }) }));
    const result = await runGagent(
      ['run', 'x', '--controller', 'none', '--no-reflection'],
      cliEnv(tempHome(), { ...modelEnv(model), GAGENT_MODEL_TIMEOUT: '2' }),
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      "The model did not answer in time: GAGENT_MODEL_TIMEOUT allows 2 s for all of a step's model requests, retries included.",
    );
    expect(model.requests().length).toBe(1);
  });
});
