import { describe, expect, it } from 'vitest';
import { startFakeGmail } from '../fakes/mcp/providers.js';
import { startPageServer } from '../fixtures/page-server.js';
import { pathWithout, unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { events, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { tempDir } from '../helpers/temp.js';
import { startInTmux } from '../helpers/terminal.js';
import { startAppWindow, startXvfb } from '../helpers/xvfb.js';

const cleanups = cleanupAfterEach();

const noChromium = unavailable(['chromium'], 'the browser-controller tests');
const noX = unavailable(['Xvfb', 'chromium'], 'the local-controller tests');
const noTmux = unavailable(['tmux'], 'the terminal UI test');

describe.skipIf(noChromium)('the browser controller', () => {
  it('fills and submits a form on a local page, and the page receives it', async () => {
    const pages = await startPageServer();
    const model = await startScriptedModel(
      [
        reply('agent.type("The name field", "Ada Lovelace — 1815")', 'Type the name.'),
        reply('agent.click("The Submit button")', 'Submit the form.'),
        reply('agent.done()', 'Submitted.'),
      ],
      { 'The name field': [300, 120], 'The Submit button': [200, 230] },
    );
    cleanups.push(
      () => pages.close(),
      () => model.close(),
    );
    const result = await runGagent(
      [
        'run',
        'submit the form with my name',
        '--controller',
        'browser',
        '--url',
        `${pages.url}/form`,
        '--no-reflection',
      ],
      cliEnv(tempHome(), modelEnv(model)),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(pages.submissions).toEqual([{ name: 'Ada Lovelace — 1815' }]);
    // The model saw the real page: a 1280×800 screenshot each step.
    expect(model.requests().filter((r) => r.images > 0).length).toBeGreaterThanOrEqual(3);
    const log = events(result.stdout);
    expect(log.filter((e) => e.type === 'step_finished').map((e) => e.kind)).toEqual(['gui', 'gui', 'gui']);
  });
});

describe.skipIf(noX)('the local controller under a real X server', () => {
  it('clicks a real window and types into it', async () => {
    const pages = await startPageServer();
    const xvfb = await startXvfb(1280, 800);
    const profile = tempDir('gagent-xwin-');
    const window = startAppWindow(`${pages.url}/button`, xvfb.display, profile);
    const model = await startScriptedModel(
      [
        reply('agent.click("The big Press me button")'),
        reply("agent.hotkey(['shift', 'x'])"),
        reply('agent.type(text="typed by gagent: café 😀 a@b!#…:<>?~ ü")'),
        reply('agent.done()'),
      ],
      { 'The big Press me button': [640, 350] },
    );
    cleanups.push(
      () => model.close(),
      () => pages.close(),
      () => xvfb.close(),
      () => window.close(),
    );
    await pages.waitForEvent('loaded');
    const result = await runGagent(
      ['run', 'press the button and type', '--controller', 'local', '--no-reflection'],
      // As on a fresh machine: no xsel or xclip on PATH, so text goes through the bundled xsel.
      cliEnv(tempHome(), { ...modelEnv(model), DISPLAY: xvfb.display, PATH: pathWithout(['xsel', 'xclip']) }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const click = await pages.waitForEvent('click');
    const [x, y] = click.split(',').map(Number) as [number, number];
    expect(Math.abs(x - 640)).toBeLessThan(40);
    expect(Math.abs(y - 350)).toBeLessThan(60);
    // Every key of the hotkey was released (no "Xtyped…" in capitals), and the text arrived exactly.
    const typed = 'Xtyped by gagent: café 😀 a@b!#…:<>?~ ü';
    expect(await pages.waitForEvent('input', (v) => v === typed).catch(() => pages.events)).toBe(typed);
  });

  it('refuses clearly, without crashing, when DISPLAY is unset', async () => {
    const model = await startScriptedModel([reply('agent.done()')]);
    cleanups.push(() => model.close());
    const result = await runGagent(
      ['run', 'anything', '--controller', 'local'],
      cliEnv(tempHome(), modelEnv(model)),
    );
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'gagent: The local controller needs a graphical display, and DISPLAY is not set. Run gagent inside your desktop session (or set DISPLAY), or use --controller browser, osworld or none.',
    );
  });
});

describe.skipIf(noTmux)('the terminal UI, in a real terminal', () => {
  it('shows the run with GUI and MCP badges, asks before sending, and shows what the tool returned', async () => {
    const gmail = await startFakeGmail();
    const model = await startScriptedModel([
      reply('agent.wait(0.2)', 'Let the inbox load.'),
      reply(
        'agent.gmail_send_email(recipient_email="bob@example.com", subject="Report")',
        'Email Bob the report.',
      ),
      reply('agent.done()', 'Sent.'),
    ]);
    const env = cliEnv(tempHome(), { ...modelEnv(model), GAGENT_MCP_GMAIL_URL: gmail.url.toString() });
    const tmux = startInTmux(['run', 'email Bob the report', '--controller', 'none', '--no-reflection'], env);
    cleanups.push(
      () => model.close(),
      () => gmail.close(),
      () => tmux.close(),
    );
    const until = (pattern: RegExp) => tmux.until(pattern);
    const asking = await until(/Allow the MCP tool GMAIL_SEND_EMAIL on gmail\?/);
    expect(asking).toContain('email Bob the report');
    expect(asking).toMatch(/GUI\s+wait\(time=0.2\)/);
    expect(gmail.sent).toEqual([]);
    tmux.keys('y');
    const done = await until(/EXIT=\d+/);
    expect(done).toMatch(/MCP\s+gmail_send_email\(recipient_email="bob@example.com", subject="Report"\)/);
    expect(done).toContain('returned: Email sent to bob@example.com');
    expect(done).toContain('Done: The agent called done()');
    expect(done).toMatch(/3 steps \(1 GUI, 1 MCP\)/);
    expect(done).toContain('EXIT=0');
    expect(gmail.sent).toEqual([{ recipient_email: 'bob@example.com', subject: 'Report' }]);
  });
});
