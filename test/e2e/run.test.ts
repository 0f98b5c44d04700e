import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeGmail, startFakeSlack } from '../fakes/mcp/providers.js';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { startFakeOsworld } from '../fakes/osworld/server.js';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { startComposioWorld } from '../helpers/composio-env.js';
import {
  events,
  generatorRequests,
  isReflection,
  modelEnv,
  reply,
  startScriptedModel,
} from '../helpers/scripted-run.js';
import { runInTerminal } from '../helpers/terminal.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

describe('gagent run (JSON events, scripted model)', () => {
  it('an MCP-only run sends an email through a connected Gmail account, and says which step was MCP', async () => {
    const world = await startComposioWorld();
    cleanups.push(() => world.close());
    const connect = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    const [link] = await connect.waitFor(LINK_PATTERN);
    await followLink(link as string);
    expect((await connect.done).code).toBe(0);

    const model = later(
      await startScriptedModel([
        reply(
          'agent.gmail_send_email(recipient_email="bob@example.com", subject="Q3 report", body="Attached.")',
          'Send Bob the report by email.',
        ),
        reply('agent.done()', 'The email went out.'),
      ]),
    );
    const result = await runGagent(
      ['run', 'send Bob the Q3 report', '--controller', 'none', '--yes', '--json'],
      world.env(modelEnv(model)),
    );
    expect(result.code).toBe(0);
    const log = events(result.stdout);
    expect(log[0]).toMatchObject({
      type: 'run_started',
      controller: 'none',
      mcpServers: [{ name: 'gmail', state: expect.stringMatching(/^(connecting|ready)$/) }],
    });
    // The server connects beside the run, and its tools join as soon as it is ready.
    expect(log.find((e) => e.type === 'mcp_server')).toMatchObject({
      name: 'gmail',
      state: 'ready',
      tools: 2,
    });
    const step = log.find((e) => e.type === 'step_finished' && e.kind === 'mcp');
    expect(step).toMatchObject({
      kind: 'mcp',
      action: {
        name: 'gmail_send_email',
        args: { recipient_email: 'bob@example.com', subject: 'Q3 report', body: 'Attached.' },
      },
      outcome: {
        type: 'mcp',
        provider: 'gmail',
        tool: 'GMAIL_SEND_EMAIL',
        isError: false,
        resultText: expect.stringContaining('Email sent to bob@example.com'),
      },
    });
    expect(log.at(-1)).toMatchObject({ type: 'run_finished', status: 'done', exitCode: 0, steps: 2 });
    expect(log.filter((e) => e.type === 'step_finished').map((e) => e.mcp)).toEqual([
      { calls: 1, errors: 0, denied: 0, history: 1 },
      { calls: 1, errors: 0, denied: 0, history: 1 },
    ]);
    expect(world.gmail.sent).toEqual([
      { recipient_email: 'bob@example.com', subject: 'Q3 report', body: 'Attached.' },
    ]);
    // The call went through Composio's MCP endpoint, with the session kept for the run and closed after.
    expect(world.composio.mcpRequests().some((r) => r.method === 'DELETE')).toBe(true);

    const runId = log[0]?.runId as string;
    const shown = await runGagent(['runs', 'show', runId.slice(0, 12), '--json'], world.env());
    expect(JSON.parse(shown.stdout)).toMatchObject({
      run: { id: runId, status: 'done', task: 'send Bob the Q3 report' },
      steps: [
        { idx: 0, kind: 'mcp', outcome: { type: 'mcp' } },
        { idx: 1, kind: 'gui', outcome: { type: 'done' } },
      ],
    });
    const list = JSON.parse((await runGagent(['runs', 'list', '--json'], world.env())).stdout);
    expect(list.runs.map((r: { id: string }) => r.id)).toEqual([runId]);
  });

  it('sends correct pyautogui code to an OSWorld-style controller, and a short sleep for MCP steps', async () => {
    const vm = later(await startFakeOsworld({ width: 1280, height: 800 }));
    const slack = later(await startFakeSlack());
    const model = later(
      await startScriptedModel(
        [
          reply('agent.click("The Send button", 2)'),
          reply('agent.type("The message box", "hi \\"team\\"\\n", enter=True)'),
          reply('agent.slack_send_message(channel="team", markdown_text="report sent")'),
          reply("agent.hotkey(['ctrl', 's'])"),
          reply('agent.done()'),
        ],
        { 'The Send button': [250, 140], 'The message box': [640, 700] },
      ),
    );
    const env = cliEnv(tempHome(), { ...modelEnv(model), GAGENT_MCP_SLACK_URL: slack.url.toString() });
    const result = await runGagent(
      [
        'run',
        'tell the team',
        '--controller',
        'osworld',
        '--controller-url',
        vm.url,
        '--yes',
        '--no-reflection',
      ],
      env,
    );
    expect(result.code).toBe(0);
    const codes = vm.executed().map((e) => e.code);
    expect(
      vm.executed().every((e) => e.command[0] === 'python' && e.command[1] === '-c' && e.shell === false),
    ).toBe(true);
    expect(codes).toEqual([
      'import pyautogui\nimport time\npyautogui.FAILSAFE = False\npyautogui.click(250, 140, clicks=2, button="left")',
      'import pyautogui\nimport time\npyautogui.FAILSAFE = False\npyautogui.click(640, 700)\npyautogui.write("hi \\"team\\"\\n", interval=0.01)\npyautogui.press("enter")',
      'import time\ntime.sleep(0.5)',
      'import pyautogui\nimport time\npyautogui.FAILSAFE = False\npyautogui.hotkey("ctrl", "s")',
    ]);
    expect(slack.messages).toEqual([{ channel: 'team', markdown_text: 'report sent' }]);
  });

  it('refuses a reply that tries to run code: nothing runs, and the model is told', async () => {
    const vm = later(await startFakeOsworld());
    const marker = path.join(tempHome(), 'pwned');
    const model = later(
      await startScriptedModel([
        reply(`agent.click("x"); __import__("os").system("touch ${marker}")`),
        reply(`__import__("os").system("touch ${marker}")`),
        reply(`agent.type(text=f"{__import__('os').system('touch ${marker}')}")`),
        reply('agent.fail()', 'I cannot do it.'),
      ]),
    );
    const env = cliEnv(tempHome(), modelEnv(model));
    const result = await runGagent(
      ['run', 'do something', '--controller', 'osworld', '--controller-url', vm.url, '--no-reflection'],
      env,
    );
    expect(result.code).toBe(5);
    expect(fs.existsSync(marker)).toBe(false);
    expect(vm.executed()).toEqual([]);
    const requests = generatorRequests(model.requests());
    expect(requests[1]?.lastUserText).toContain('only one action per reply');
    expect(requests[2]?.lastUserText).toContain('starts with "__import__"');
    expect(requests[3]?.lastUserText).toContain('f-strings are not allowed');
  });

  it('exits 6 at --max-steps and 5 on fail()', async () => {
    const model = later(
      await startScriptedModel([
        reply('agent.wait(0.1)'),
        reply('agent.wait(0.1)'),
        reply('agent.wait(0.1)'),
      ]),
    );
    const env = cliEnv(tempHome(), modelEnv(model));
    const capped = await runGagent(
      ['run', 'wait around', '--controller', 'none', '--max-steps', '2', '--no-reflection'],
      env,
    );
    expect(capped.code).toBe(6);
    expect(events(capped.stdout).at(-1)).toMatchObject({
      type: 'run_finished',
      status: 'max_steps',
      steps: 2,
      exitCode: 6,
    });
    expect(capped.stderr).toContain('Stopped after 2 steps without finishing');
    const failed = await runGagent(['run', 'impossible', '--controller', 'none', '--no-reflection'], env); // the script runs out → fail()
    expect(failed.code).toBe(5);
  });

  it('denies a non-read-only MCP tool in JSON mode without --yes, and the run goes on', async () => {
    const gmail = later(await startFakeGmail());
    const model = later(
      await startScriptedModel([
        reply('agent.gmail_send_email(recipient_email="bob@example.com")'),
        reply('agent.gmail_fetch_emails(max_results=1)'),
        reply('agent.done()'),
      ]),
    );
    const env = cliEnv(tempHome(), {
      ...modelEnv(model),
      GAGENT_MCP_GMAIL_URL: gmail.url.toString(),
      GAGENT_MCP_GMAIL_TRUST: 'read-only-hints',
    });
    const result = await runGagent(['run', 'email bob', '--controller', 'none', '--no-reflection'], env);
    expect(result.code).toBe(0);
    const log = events(result.stdout);
    expect(log.find((e) => e.type === 'approval_resolved')).toMatchObject({ approved: false, by: 'policy' });
    expect(
      log.filter((e) => e.type === 'step_finished').map((e) => (e.outcome as { type: string }).type),
    ).toEqual(['denied', 'mcp', 'done']);
    expect(gmail.sent).toEqual([]);
    expect(gmail.calls.map((c) => c.tool)).toEqual(['GMAIL_FETCH_EMAILS']);
    expect(generatorRequests(model.requests())[1]?.lastUserText).toContain(
      "agent.gmail_send_email was not run: it needs the user's approval, and nobody can approve it in this run",
    );
  });

  it('says clearly when no model is configured (exit 2)', async () => {
    const result = await runGagent(['run', 'anything', '--controller', 'none'], cliEnv(tempHome()));
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'gagent: No model is configured for gagent run. Set GAGENT_MODEL=openai:<model> (or anthropic:<model>), or pass --model.',
    );
  });

  it('exits 4 when the model server is unreachable, and 3 when it rejects the key', async () => {
    const model = await startScriptedModel([]);
    const url = model.baseUrl;
    await model.close();
    const env = cliEnv(tempHome(), {
      GAGENT_MODEL: 'openai:x',
      OPENAI_BASE_URL: url,
      OPENAI_API_KEY: 'sk-x-123456',
    });
    const down = await runGagent(['run', 'anything', '--controller', 'none'], env);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Cannot reach the OpenAI-compatible model at 127.0.0.1');
    const guarded = later(await startOpenAIFake({ script: ['never'], apiKey: 'sk-the-right-key-1' }));
    const rejected = await runGagent(
      ['run', 'anything', '--controller', 'none'],
      cliEnv(tempHome(), {
        GAGENT_MODEL: 'openai:x',
        OPENAI_BASE_URL: guarded.baseUrl,
        OPENAI_API_KEY: 'sk-a-wrong-key-22',
      }),
    );
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toContain('rejected the API key (HTTP 401)');
    expect(rejected.stderr).not.toContain('sk-a-wrong-key-22');
  });
});

describe("the reviewer's verdicts", () => {
  it('belong to the step they judge: in the events, runs show, its JSON and the HTML report', async () => {
    // The reviewer answers about whichever step it is shown: off track about the first, on track after.
    const plans = [
      reply('agent.wait(0.1)', 'FIRST-STEP wait.'),
      reply('agent.wait(0.1)', 'SECOND-STEP wait.'),
      reply('agent.done()', 'Finished.'),
    ];
    const model = later(
      await startOpenAIFake({
        script: (request) => {
          if (!isReflection(request)) return plans.shift() as string;
          return request.lastUserText.includes('FIRST-STEP')
            ? 'Case 1: off track, the first step waited for nothing.'
            : 'Case 2: on track; continue.';
        },
      }),
    );
    const env = cliEnv(tempHome(), modelEnv(model));
    const run = await runGagent(['run', 'wait twice', '--controller', 'none', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const log = events(run.stdout);
    expect(
      log.filter((e) => e.type === 'reflection').map((e) => [e.step, String(e.text).slice(0, 9)]),
    ).toEqual([
      [0, 'Case 1: o'],
      [1, 'Case 2: o'],
    ]);
    const runId = String(log[0]?.runId);
    const shown = JSON.parse((await runGagent(['runs', 'show', runId, '--json'], env)).stdout);
    expect(shown.steps.map((s: { verdict: string | null }) => s.verdict)).toEqual([
      'off_track',
      'on_track',
      null,
    ]);
    const text = (await runInTerminal(['runs', 'show', runId], env)).output;
    const first = text.slice(text.indexOf('  1. '), text.indexOf('  2. '));
    expect(first).toContain('reflection: off track — Case 1: off track, the first step waited for nothing.');
    expect(text.slice(text.indexOf('  2. '), text.indexOf('  3. '))).toContain('reflection: on track');
    const report = path.join(tempHome(), 'report.html');
    expect((await runGagent(['runs', 'show', runId, '--html', report], env)).code).toBe(0);
    const html = fs.readFileSync(report, 'utf8');
    const article = (n: number) =>
      html.slice(html.indexOf(`id="step-${n}"`), html.indexOf(`id="step-${n + 1}"`));
    expect(article(1)).toContain('class="verdict off_track"');
    expect(article(2)).toContain('class="verdict on_track"');
    expect(html.slice(html.indexOf('id="step-3"'))).not.toContain('class="verdict');
  });
});
