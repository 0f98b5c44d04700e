/**
 * The trust boundary from outside, as an attacker would try it: keys sent only to their own
 * service, child processes without secrets, debug output that leaks nothing, untrusted text that
 * never drives the terminal, another user's runs out of reach, an MCP answer too large to hold,
 * a planted symlink and a loose home, and the browser that opens web pages only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { startFakeGmail } from '../fakes/mcp/providers.js';
import { startFakeMcpServer, text } from '../fakes/mcp/server.js';
import { startOpenAIFake } from '../fakes/model/scripted-server.js';
import { startFakeOsworld } from '../fakes/osworld/server.js';
import { startPageServer } from '../fixtures/page-server.js';
import { unavailable } from '../helpers/binaries.js';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { startComposioWorld } from '../helpers/composio-env.js';
import { events, isGrounding, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { recordConnection } from '../helpers/store.js';
import { runInTerminal, startInTmux } from '../helpers/terminal.js';

const cleanups = cleanupAfterEach();
const { later } = cleanups;

const MAIN_KEY = 'sk-main-model-SECRET-7731';
const MAX_RSS = fileURLToPath(new URL('../fixtures/max-rss.cjs', import.meta.url));

describe('keys go home only', () => {
  it('the grounding server never receives the main model key; it gets its own key or none', async () => {
    const vm = later(await startFakeOsworld());
    const main = later(
      await startScriptedModel([reply('agent.click("The Send button")'), reply('agent.done()')]),
    );
    const grounding = later(await startOpenAIFake({ script: () => '(100, 200)' }));
    const run = (extra: Record<string, string>) =>
      runGagent(
        ['run', 'press send', '--controller', 'osworld', '--controller-url', vm.url, '--no-reflection'],
        cliEnv(tempHome(), {
          ...modelEnv(main),
          OPENAI_API_KEY: MAIN_KEY,
          GAGENT_GROUNDING_MODEL: 'openai:ui-tars',
          GAGENT_GROUNDING_BASE_URL: grounding.baseUrl,
          ...extra,
        }),
      );
    expect((await run({})).code).toBe(0);
    const keyless = grounding.requests().map((r) => r.headers.authorization);
    expect(keyless.length).toBeGreaterThan(0);
    for (const auth of keyless) expect(auth).not.toContain(MAIN_KEY);
    // The main model itself still gets its key.
    expect(main.requests()[0]?.headers.authorization).toBe(`Bearer ${MAIN_KEY}`);

    main.setScript([reply('agent.click("The Send button")'), reply('agent.done()')]);
    const before = grounding.requests().length;
    expect((await run({ GAGENT_GROUNDING_API_KEY: 'sk-grounding-SECRET-0042' })).code).toBe(0);
    const own = grounding.requests().slice(before);
    expect(own.map((r) => r.headers.authorization)).toEqual(own.map(() => 'Bearer sk-grounding-SECRET-0042'));
  });

  it('grounding on the main model server (no separate base URL) uses the main key', async () => {
    const vm = later(await startFakeOsworld());
    const main = later(
      await startScriptedModel([reply('agent.click("The Send button")'), reply('agent.done()')], {
        'The Send button': [10, 20],
      }),
    );
    const result = await runGagent(
      ['run', 'press send', '--controller', 'osworld', '--controller-url', vm.url, '--no-reflection'],
      cliEnv(tempHome(), {
        ...modelEnv(main),
        OPENAI_API_KEY: MAIN_KEY,
        GAGENT_GROUNDING_MODEL: 'openai:ui-tars',
      }),
    );
    expect(result.code).toBe(0);
    const groundingRequests = main.requests().filter(isGrounding);
    expect(groundingRequests.length).toBe(1);
    expect(groundingRequests[0]?.headers.authorization).toBe(`Bearer ${MAIN_KEY}`);
  });

  it('the Composio key is not sent to an MCP URL on another host', async () => {
    const world = await startComposioWorld();
    cleanups.push(() => world.close());
    const foreign = later(await startFakeGmail());
    // A connection whose MCP URL is not Composio's (a response could name any host).
    const store = await Store.open(path.join(world.home, 'data', 'gagent.db'));
    await recordConnection(store, 'singleton', 'gmail', foreign.url.toString());
    await store.close();
    const listed = await runGagent(['tools', 'list', '--json'], world.env());
    expect(listed.code).toBe(0);
    expect(foreign.requestHeaders.length).toBeGreaterThan(0);
    for (const headers of foreign.requestHeaders) {
      expect(headers['x-api-key']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
    }
  });

  it('Chromium starts without gagent secrets in its environment', async () => {
    const home = tempHome();
    const bin = path.join(home, 'bin');
    const record = path.join(home, 'chromium-env.txt');
    fs.mkdirSync(bin);
    // A stand-in "chromium" first on PATH: it writes down its environment and exits.
    fs.writeFileSync(path.join(bin, 'chromium'), `#!/bin/sh\nenv > '${record}'\nexit 1\n`, { mode: 0o755 });
    const main = later(await startScriptedModel([reply('agent.done()')]));
    const result = await runGagent(
      ['run', 'anything', '--controller', 'browser', '--no-reflection'],
      cliEnv(home, {
        ...modelEnv(main),
        PATH: `${bin}:${process.env.PATH}`,
        COMPOSIO_API_KEY: 'ak_browser_SECRET_1234',
        GAGENT_MCP_X_URL: 'http://127.0.0.1:9/mcp',
        GAGENT_MCP_X_TOKEN: 'tok_browser_SECRET_5678',
      }),
    );
    expect(result.code).not.toBe(0);
    const seen = fs.readFileSync(record, 'utf8');
    expect(seen).toContain('PATH=');
    for (const secret of ['sk-run-test-SECRET-5521', 'ak_browser_SECRET_1234', 'tok_browser_SECRET_5678'])
      expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/^(OPENAI|COMPOSIO|GAGENT)_/m);
  });
});

describe('GAGENT_DEBUG=1', () => {
  it('sends the Composio SDK log to stderr, redacted; stdout stays one JSON document', async () => {
    const world = await startComposioWorld();
    cleanups.push(() => world.close());
    world.composio.state.accessToken = 'ya29.access-SECRET-token-9911';
    const connect = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    const [link] = await connect.waitFor(LINK_PATTERN);
    await followLink(link as string);
    expect((await connect.done).code).toBe(0);

    const result = await runGagent(
      ['debug', 'connected-accounts', '--json'],
      world.env({ GAGENT_DEBUG: '1' }),
    );
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.composio.length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('ya29.access');
    expect(result.stderr).toContain('gagent debug: composio:');
    expect(result.stderr).toContain('connected_accounts');
    expect(result.stderr).toContain('[REDACTED]');
    expect(result.stderr).not.toContain('ya29.access');
  });
});

describe.skipIf(unavailable(['script'], 'the pseudo-terminal tests'))(
  'untrusted text never drives the terminal',
  () => {
    const HOSTILE = 'ok \u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b]0;owned\u0007\u009b31m done';

    it('tools call, tools list, runs show/list and errors print no escape sequence from outside', async () => {
      const server = later(
        await startFakeMcpServer({
          name: 'hostile',
          tools: [
            {
              name: 'echo',
              description: `Echoes.${HOSTILE}`,
              inputSchema: { type: 'object', properties: {} },
              annotations: { readOnlyHint: true },
              handler: () => text(HOSTILE),
            },
          ],
        }),
      );
      const home = tempHome();
      const env = cliEnv(home, {
        GAGENT_MCP_HOSTILE_URL: server.url.toString(),
        GAGENT_MCP_HOSTILE_TRUST: 'read-only-hints',
      });
      const main = later(
        await startScriptedModel([reply('agent.hostile_echo()'), reply('agent.done()', `Done.${HOSTILE}`)]),
      );
      const run = await runInTerminal(['run', `task ${HOSTILE}`, '--controller', 'none', '--no-reflection'], {
        ...env,
        ...modelEnv(main),
      });
      expect(run.code).toBe(0);
      const outputs = [
        run.output,
        (await runInTerminal(['tools', 'call', 'hostile', 'echo'], env)).output,
        (await runInTerminal(['tools', 'list'], env)).output,
        (await runInTerminal(['runs', 'list'], env)).output,
        (await runInTerminal(['tools', 'call', 'hostile', `nosuch${HOSTILE}`], env)).output,
      ];
      const runId = /run_[a-z0-9]+/.exec(outputs[3] ?? '')?.[0] as string;
      outputs.push((await runInTerminal(['runs', 'show', runId], env)).output);
      for (const output of outputs) {
        expect(output).toContain('ok ');
        expect(output).not.toContain(']52;');
        expect(output).not.toContain(']0;owned');
        expect(output).not.toContain('\u001b[2J');
        expect(output).not.toContain('\u009b');
      }
      // JSON keeps the data, escaped.
      const json = await runGagent(['tools', 'call', 'hostile', 'echo', '--json'], env);
      for (const control of ['\u001b', '\u0007', '\u009b']) expect(json.stdout).not.toContain(control);
      expect(JSON.parse(json.stdout).content[0].text).toBe(HOSTILE);
    });
  },
);

describe('runs belong to their user', () => {
  it('bob cannot show, delete or list alice’s run, by id or by prefix', async () => {
    const main = later(await startScriptedModel([reply('agent.done()')]));
    const home = tempHome();
    const alice = cliEnv(home, { ...modelEnv(main), GAGENT_USER: 'alice' });
    const ran = await runGagent(
      ['run', 'alice private task', '--controller', 'none', '--no-reflection'],
      alice,
    );
    expect(ran.code).toBe(0);
    const runId = events(ran.stdout)[0]?.runId as string;
    const bob = cliEnv(home, { GAGENT_USER: 'bob' });
    for (const wanted of [runId, runId.slice(0, 8), 'run_']) {
      const shown = await runGagent(['runs', 'show', wanted], bob);
      expect(shown.code).toBe(2);
      expect(shown.stdout).toBe('');
      expect(shown.stderr).toContain(`bob has no run with an id starting with "${wanted}"`);
      expect(shown.stderr).not.toContain('alice private task');
    }
    expect((await runGagent(['runs', 'show', runId, '--user', 'bob'], cliEnv(home))).code).toBe(2);
    expect((await runGagent(['runs', 'delete', runId], bob)).code).toBe(2);
    expect(JSON.parse((await runGagent(['runs', 'list'], bob)).stdout).runs).toEqual([]);
    expect(
      JSON.parse((await runGagent(['runs', 'prune', '--older-than', '0', '--yes'], bob)).stdout).deleted,
    ).toEqual([]);
    // Alice still has it, finds it by prefix, and can delete it.
    const mine = await runGagent(['runs', 'show', runId.slice(0, 10), '--user', 'alice'], cliEnv(home));
    expect(JSON.parse(mine.stdout).run).toMatchObject({ id: runId, task: 'alice private task' });
    const deleted = await runGagent(['runs', 'delete', runId, '--user', 'alice'], cliEnv(home));
    expect(JSON.parse(deleted.stdout).deleted).toEqual([runId]);
    expect((await runGagent(['runs', 'show', runId, '--user', 'alice'], cliEnv(home))).code).toBe(2);
  });

  it('prune removes the user’s finished runs older than the given age, and says so', async () => {
    const main = later(await startScriptedModel([reply('agent.done()'), reply('agent.done()')]));
    const home = tempHome();
    const env = cliEnv(home, modelEnv(main));
    for (const task of ['one', 'two'])
      expect((await runGagent(['run', task, '--controller', 'none', '--no-reflection'], env)).code).toBe(0);
    expect(JSON.parse((await runGagent(['runs', 'prune', '--older-than', '1'], env)).stdout).deleted).toEqual(
      [],
    );
    // Not told to, and nobody to ask: nothing is deleted.
    const unasked = await runGagent(['runs', 'prune', '--older-than', '0'], env);
    expect([unasked.code, unasked.stdout, unasked.stderr.trim()]).toEqual([
      2,
      '',
      'gagent: runs prune would delete 2 runs of singleton that started more than 0 days ago, with their steps and screenshots, and was not told to. Add --yes to delete them, or --dry-run to list them first.',
    ]);
    const dry = JSON.parse(
      (await runGagent(['runs', 'prune', '--older-than', '0', '--dry-run'], env)).stdout,
    );
    expect([dry.dryRun, dry.wouldDelete.length]).toEqual([true, 2]);
    expect(JSON.parse((await runGagent(['runs', 'list'], env)).stdout).runs).toHaveLength(2);
    const pruned = JSON.parse((await runGagent(['runs', 'prune', '--older-than', '0', '--yes'], env)).stdout);
    expect(pruned.deleted).toEqual(dry.wouldDelete);
    expect(JSON.parse((await runGagent(['debug', 'db', '--json'], env)).stdout).rows).toMatchObject({
      runs: 0,
      run_steps: 0,
    });
    const bad = await runGagent(['runs', 'prune', '--older-than', 'soon'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than must be a number of days');
  });

  it.skipIf(unavailable(['tmux'], 'the prune question test'))(
    'at a terminal, prune asks before deleting; runs list has a header row',
    async () => {
      const main = later(await startScriptedModel([reply('agent.done()')]));
      const env = cliEnv(tempHome(), modelEnv(main));
      expect((await runGagent(['run', 'one', '--controller', 'none', '--no-reflection'], env)).code).toBe(0);
      const listed = (await runInTerminal(['runs', 'list'], env)).output.split(/\r?\n/);
      expect(listed[0]).toMatch(/^RUN\s+STARTED\s+STATUS\s+USER\s+WORKER\s+TASK$/);
      expect(listed[1]).toMatch(
        /^run_\w+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+done\s+singleton\s+\S+:\d+\s+one$/,
      );
      for (const [answer, expected] of [
        ['n', 'EXIT=1'],
        ['y', 'EXIT=0'],
      ] as const) {
        const tmux = startInTmux(['runs', 'prune', '--older-than', '0'], env);
        cleanups.push(() => tmux.close());
        await tmux.until(
          /Delete 1 run of singleton that started more than 0 days ago, with their steps and screenshots\? \[y\/N\]/,
        );
        tmux.keys(answer, 'Enter');
        const screen = await tmux.until(/EXIT=\d+/);
        expect(screen).toContain(expected);
        expect(screen).toContain(
          answer === 'n' ? 'Nothing was deleted.' : 'Deleted 1 run of singleton older than 0 days.',
        );
        const left = JSON.parse((await runGagent(['runs', 'list'], env)).stdout).runs;
        expect(left).toHaveLength(answer === 'n' ? 1 : 0);
      }
    },
  );

  it('history keeps gagent’s own secrets redacted', async () => {
    const main = later(
      await startScriptedModel([
        reply('agent.save_to_knowledge("the key is sk-run-test-SECRET-5521")'),
        reply('agent.done()'),
      ]),
    );
    const home = tempHome();
    const result = await runGagent(
      ['run', 'remember the key', '--controller', 'none', '--no-reflection'],
      cliEnv(home, modelEnv(main)),
    );
    expect(result.code).toBe(0);
    const store = await Store.open(path.join(home, 'data', 'gagent.db'));
    cleanups.push(() => store.close());
    const [run] = await store.runs.list('singleton', 1);
    const saved = JSON.stringify(await store.runs.steps(run?.id as string));
    expect(saved).toContain('the key is [REDACTED]');
    expect(saved).not.toContain('sk-run-test-SECRET-5521');
  });
});

describe('a huge MCP answer', () => {
  it('is cut with a marker stating its size, and gagent stays within its memory budget', async () => {
    const huge = 'A'.repeat(100 * 1024 * 1024);
    const server = later(
      await startFakeMcpServer({
        name: 'flood',
        tools: [
          {
            name: 'dump',
            description: 'Returns a lot.',
            inputSchema: { type: 'object', properties: {} },
            annotations: { readOnlyHint: true },
            handler: () => text(huge),
          },
        ],
      }),
    );
    const home = tempHome();
    const rssFile = path.join(home, 'maxrss');
    const env = cliEnv(home, {
      GAGENT_MCP_FLOOD_URL: server.url.toString(),
      GAGENT_MCP_FLOOD_TRUST: 'read-only-hints',
      NODE_OPTIONS: `--require ${MAX_RSS}`,
      MAXRSS_FILE: rssFile,
    });
    const called = await runGagent(['tools', 'call', 'flood', 'dump', '--json'], env);
    expect(called.code).toBe(0);
    const body = JSON.parse(called.stdout).content[0].text as string;
    expect(body.startsWith('AAAA')).toBe(true);
    expect(body).toMatch(
      /\[gagent: cut here: the server's answer was 100\.\d MB, more than the 4\.0 MB gagent reads/,
    );
    expect(body.length).toBeLessThan(5 * 1024 * 1024);
    const callRss = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    expect(callRss).toBeLessThan(250);

    const main = later(await startScriptedModel([reply('agent.flood_dump()'), reply('agent.done()')]));
    const ran = await runGagent(['run', 'dump it', '--controller', 'none', '--no-reflection'], {
      ...env,
      ...modelEnv(main),
    });
    expect(ran.code).toBe(0);
    const step = events(ran.stdout).find((e) => e.type === 'step_finished' && e.kind === 'mcp');
    expect(step?.outcome).toMatchObject({ type: 'mcp', isError: false });
    const runRss = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    expect(runRss).toBeLessThan(250);
  });
});

describe('gagent’s home', () => {
  it('tightens a loose home it owns to 0700, with a one-line notice', async () => {
    const home = tempHome();
    const data = path.join(home, 'data');
    fs.mkdirSync(data, { mode: 0o777 });
    fs.chmodSync(data, 0o777);
    const result = await runGagent(['debug', 'db', '--json'], cliEnv(home));
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe(
      `gagent: warning: ${data} was writable by other users; gagent made it private (mode 0700).`,
    );
    expect(fs.statSync(data).mode & 0o777).toBe(0o700);
  });

  it('refuses a shared directory, or a loose one that belongs to someone else', async () => {
    const home = tempHome();
    const shared = path.join(home, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o1777);
    const refused = await runGagent(['debug', 'db'], cliEnv(home, { GAGENT_HOME: shared }));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `gagent: gagent will not keep its database in ${shared}: it is a shared directory that every user can write to. Set GAGENT_HOME (or DB_URL) to a directory of your own.`,
    );
    expect(fs.statSync(shared).mode & 0o7777).toBe(0o1777);
    if (process.getuid?.() === 0) {
      const theirs = path.join(home, 'theirs');
      fs.mkdirSync(theirs);
      fs.chmodSync(theirs, 0o777);
      fs.chownSync(theirs, 65534, 65534);
      const notOurs = await runGagent(['debug', 'db'], cliEnv(home, { GAGENT_HOME: theirs }));
      expect(notOurs.code).toBe(1);
      expect(notOurs.stderr).toContain('it is writable by other users and belongs to someone else');
      expect(fs.readdirSync(theirs)).toEqual([]);
    }
  });

  it('never follows a symlink planted at the database path', async () => {
    const home = tempHome();
    const data = path.join(home, 'data');
    fs.mkdirSync(data, { mode: 0o700 });
    const target = path.join(home, 'precious.txt');
    fs.writeFileSync(target, 'do not touch', { mode: 0o644 });
    fs.chmodSync(target, 0o644);
    fs.symlinkSync(target, path.join(data, 'gagent.db'));
    const result = await runGagent(['status', '--json'], cliEnv(home));
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `gagent: ${path.join(data, 'gagent.db')} is a symbolic link; gagent does not follow a link at its database path. Remove the link (or set GAGENT_HOME to another directory).`,
    );
    expect(fs.statSync(target).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(target, 'utf8')).toBe('do not touch');

    fs.unlinkSync(path.join(data, 'gagent.db'));
    fs.symlinkSync(target, path.join(data, 'gagent.db-wal'));
    const wal = await runGagent(['status', '--json'], cliEnv(home));
    expect(wal.code).toBe(1);
    expect(wal.stderr).toContain('gagent.db-wal is a symbolic link');
    expect(fs.readFileSync(target, 'utf8')).toBe('do not touch');
  });
});

describe.skipIf(unavailable(['chromium'], 'the browser-controller tests'))('the browser controller', () => {
  it('opens http and https pages only: file:, javascript: and chrome: are refused as feedback', async () => {
    const pages = later(await startPageServer());
    const main = later(
      await startScriptedModel([
        reply('agent.open("file:///etc/hostname")'),
        reply('agent.open("javascript:alert(document.cookie)")'),
        reply('agent.open("chrome://settings")'),
        reply(`agent.open("${pages.url}/button")`),
        reply('agent.done()'),
      ]),
    );
    const result = await runGagent(
      ['run', 'look around', '--controller', 'browser', '--url', `${pages.url}/form`, '--no-reflection'],
      cliEnv(tempHome(), modelEnv(main)),
    );
    expect(result.code).toBe(0);
    const outcomes = events(result.stdout)
      .filter((e) => e.type === 'step_finished')
      .map((e) => e.outcome as { type: string; reason?: string });
    for (const refused of outcomes.slice(0, 3)) {
      expect(refused.type).toBe('refused');
      expect(refused.reason).toMatch(/the browser opens only http and https web addresses/);
    }
    expect(outcomes[3]?.type).toBe('screen');
    await pages.waitForEvent('loaded', (v) => v === '/button');
  });
});
