/// <reference lib="dom" />
/**
 * See what the agent saw: a browser run on a local page with an MCP call in the middle, turned
 * into a report with `runs show --html`, then opened in real Chromium (headless) — offline, no
 * console error, one picture per GUI step, markers where the clicks were grounded, a hostile tool
 * result shown as text, keyboard navigation, a phone-width layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/controllers/find-executable.js';
import { startFakeMcpServer, text } from '../fakes/mcp/server.js';
import { startPageServer } from '../fixtures/page-server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { events, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { tempDir } from '../helpers/temp.js';
import { runInTerminal } from '../helpers/terminal.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

const FAKE_BROWSER = fileURLToPath(new URL('../fixtures/browser.mjs', import.meta.url));

/** The browser is started detached: its record appears a moment after gagent exits. */
async function waitForJson<T>(file: string): Promise<T> {
  for (let i = 0; i < 100 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

const HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> and the key sk-run-test-SECRET-5521';

async function startNotesServer() {
  return startFakeMcpServer({
    name: 'notes',
    tools: [
      {
        name: 'lookup',
        description: 'Look a name up in the notes.',
        inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        annotations: { readOnlyHint: true },
        handler: () => text(HOSTILE),
      },
    ],
  });
}

describe.skipIf(unavailable(['chromium'], 'the trajectory report tests'))('the trajectory report', () => {
  it('shows a browser run with an MCP call: pictures, markers where the clicks landed, results as text, offline', async () => {
    const pages = later(await startPageServer());
    const notes = later(await startNotesServer());
    const model = later(
      await startScriptedModel(
        [
          reply('agent.notes_lookup(name="Ada")', 'Look up the name.'),
          reply('agent.type("The name field", "Ada Lovelace")', 'Type the name.'),
          reply('agent.click("The Submit button")', 'Submit the form.'),
          reply('agent.done()', 'Submitted.'),
        ],
        { 'The name field': [300, 120], 'The Submit button': [200, 230] },
      ),
    );
    const home = tempHome();
    const env = cliEnv(home, {
      ...modelEnv(model),
      GAGENT_MCP_NOTES_URL: notes.url.toString(),
      GAGENT_MCP_NOTES_TRUST: 'read-only-hints',
    });
    const run = await runGagent(
      [
        'run',
        'submit the form with the name from my notes',
        '--controller',
        'browser',
        '--url',
        `${pages.url}/form`,
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(pages.submissions).toEqual([{ name: 'Ada Lovelace' }]);
    const runId = String(events(run.stdout)[0]?.runId);

    const shown = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], env)).stdout) as {
      steps: {
        kind: string;
        outcome: { action?: { type: string; at?: { x: number; y: number } } };
        screenshot: unknown;
      }[];
    };
    expect(shown.steps.map((s) => s.kind)).toEqual(['mcp', 'gui', 'gui', 'gui']);
    // Every step kept the picture the model saw.
    for (const step of shown.steps)
      expect(step.screenshot).toMatchObject({ mediaType: 'image/webp', width: 1280, height: 800 });
    const click = shown.steps[2]?.outcome.action;
    expect(click).toMatchObject({ type: 'click', at: { x: 200, y: 230 } });

    const out = tempDir();
    const file = path.join(out, 'report.html');
    const written = await runGagent(['runs', 'show', runId.slice(0, -2), '--html', file], env);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).not.toContain('sk-run-test-SECRET-5521');
    expect(html).not.toContain('<script>alert(1)');

    const browser = await chromium.launch({
      executablePath: findExecutable(['chromium'], process.env.PATH ?? '') ?? undefined,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });

    expect(problems).toEqual([]);
    expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);
    // One picture per GUI step.
    expect(await page.locator('article.step.gui figure svg image').count()).toBe(3);
    // An MCP step leads with its call; the screen the model saw then is folded away.
    expect(await page.locator('article.step.mcp details.screen:not([open]) figure').count()).toBe(1);
    // The click marker sits where the click was grounded, in the picture as the browser lays it out.
    const placement = await page.evaluate(() => {
      const marker = document.querySelector('#step-3 g.marker[data-kind="click"] circle.ring');
      const image = document.querySelector('#step-3 svg image');
      if (!marker || !image) return null;
      const m = marker.getBoundingClientRect();
      const i = image.getBoundingClientRect();
      return {
        x: ((m.left + m.width / 2 - i.left) / i.width) * 1280,
        y: ((m.top + m.height / 2 - i.top) / i.height) * 800,
      };
    });
    expect(placement?.x).toBeCloseTo(200, 0);
    expect(placement?.y).toBeCloseTo(230, 0);
    // Typing into a located field marks it too.
    expect(await page.locator('#step-2 g.marker[data-kind="type"]').getAttribute('data-x')).toBe('300');
    // The hostile result is text: shown, never run, no element made from it.
    const result = page.locator('#step-1 pre.result');
    expect(await result.textContent()).toContain('<script>alert(1)</script><img src=x onerror="alert(2)">');
    expect(await result.textContent()).toContain('[REDACTED]');
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('#step-3 .call').textContent()).toContain(
      'click(element_description="The Submit button")',
    );
    expect(await page.locator('header').textContent()).toContain(
      'submit the form with the name from my notes',
    );

    // Keyboard: j/k between steps, End to the last.
    await page.keyboard.press('j');
    expect(await page.evaluate(() => location.hash)).toBe('#step-1');
    await page.keyboard.press('j');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-2');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => location.hash)).toBe('#step-4');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => location.hash)).toBe('#step-3');
    await page.screenshot({ path: path.join(out, 'report-wide.png'), fullPage: true });

    // A phone-width window: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(out, 'report-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('runs show on a terminal lists each screenshot and says how to open the report', async () => {
    const pages = later(await startPageServer());
    const model = later(
      await startScriptedModel([reply('agent.click("The Submit button")'), reply('agent.done()')], {
        'The Submit button': [200, 230],
      }),
    );
    const env = cliEnv(tempHome(), modelEnv(model));
    const run = await runGagent(
      ['run', 'submit', '--controller', 'browser', '--url', `${pages.url}/form`, '--no-reflection', '--json'],
      env,
    );
    expect(run.code).toBe(0);
    const runId = String(events(run.stdout)[0]?.runId);
    const shown = await runInTerminal(['runs', 'show', runId], env);
    expect(shown.code).toBe(0);
    expect(shown.output).toMatch(/executed on screen at \(200, 230\)\s+screenshot: 1280×800, \d+\.\d KB/);
    expect(shown.output).toContain(`gagent runs show ${runId} --html report.html --open`);
    // --open hands the file to the user's browser (BROWSER), without gagent's secrets.
    const record = path.join(tempDir(), 'browser.json');
    const report = path.join(tempDir(), 'report.html');
    const opened = await runGagent(['runs', 'show', runId, '--html', report, '--open'], {
      ...env,
      BROWSER: `${process.execPath} ${FAKE_BROWSER} ${record} %s`,
    });
    expect(opened.code).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ report, opened: true, steps: 2, screenshots: 2 });
    const seen = await waitForJson<{ link: string; page: string; env: Record<string, string> }>(record);
    expect(seen.link).toBe(pathToFileURL(report).href);
    expect(seen.page).toContain('<!doctype html>');
    expect(JSON.stringify(seen.env)).not.toContain('sk-run-test-SECRET-5521');

    const misuse = await runGagent(['runs', 'show', runId, '--open'], env);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--open opens the HTML report, so it needs --html FILE.');
    const nowhere = await runGagent(
      ['runs', 'show', runId, '--html', path.join(tempDir(), 'no', 'such', 'r.html')],
      env,
    );
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/Cannot write the report to .*r\.html: its folder does not exist\./);
  });
});
