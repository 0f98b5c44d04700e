/**
 * stdio MCP servers no one here wrote — the MCP project's filesystem and memory servers from npm —
 * added with `gagent mcp add NAME -- COMMAND`, as a user would: their tools listed and called, a
 * run that uses them, their stderr in a log and not on the terminal, and nothing of them left
 * when gagent is killed -9 mid-run. Workers start them only when the operator allows it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, spawnGagent, tempHome } from '../helpers/cli.js';
import { generatorRequests, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';
import { tempDir } from '../helpers/temp.js';
import { until } from '../helpers/until.js';
import { workerHarness } from '../helpers/worker-harness.js';

const cleanups = cleanupAfterEach();
const require = createRequire(import.meta.url);
const FILESYSTEM = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
const MEMORY = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');

const json = (text: string) => JSON.parse(text);

/** Processes whose command line contains `marker` (the servers we started, found by their argument). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function addServers(env: NodeJS.ProcessEnv, dir: string) {
  const fsAdded = await runGagent(['mcp', 'add', 'files', '--', process.execPath, FILESYSTEM, dir], env);
  expect(fsAdded.code, fsAdded.stderr).toBe(0);
  const memAdded = await runGagent(
    [
      'mcp',
      'add',
      'memory',
      '--env',
      `MEMORY_FILE_PATH=${path.join(dir, 'memory.jsonl')}`,
      '--',
      process.execPath,
      MEMORY,
    ],
    env,
  );
  expect(memAdded.code, memAdded.stderr).toBe(0);
}

describe('stdio servers from npm', () => {
  it('lists and calls their tools; each keeps its stderr in its log', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello from a file\n');
    const home = tempHome();
    const env = cliEnv(home);
    await addServers(env, dir);

    const listed = await runGagent(['tools', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const servers = json(listed.stdout).servers as {
      name: string;
      source: string;
      state: string;
      tools: { tool: string }[];
    }[];
    expect(servers.map((s) => [s.name, s.source, s.state])).toEqual([
      ['files', 'user', 'ready'],
      ['memory', 'user', 'ready'],
    ]);
    expect(servers[0]?.tools.map((t) => t.tool)).toEqual(
      expect.arrayContaining(['read_text_file', 'list_directory']),
    );

    const read = await runGagent(
      ['tools', 'call', 'files', 'read_text_file', '--arg', `path=${path.join(dir, 'hello.txt')}`],
      env,
    );
    expect(read.code, read.stderr).toBe(0);
    expect(json(read.stdout).content[0].text).toBe('hello from a file\n');
    // Outside the directory it was given, the server itself refuses: an error result, not a crash.
    const outside = await runGagent(
      ['tools', 'call', 'files', 'read_text_file', '--arg', 'path=/etc/hostname'],
      env,
    );
    expect(json(outside.stdout).isError).toBe(true);

    const entities = {
      entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }],
    };
    const created = await runGagent(
      ['tools', 'call', 'memory', 'create_entities', '--args-json', JSON.stringify(entities)],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    // Another process, another server: the graph was kept in the file its --env named.
    const graph = await runGagent(['tools', 'call', 'memory', 'read_graph'], env);
    expect(json(graph.stdout).content[0].text).toContain('wrote the first program');

    for (const out of [listed, read, created, graph]) expect(out.stderr).not.toContain('running on stdio');
    const log = fs.readFileSync(path.join(home, 'data', 'logs', 'mcp', 'singleton', 'files.log'), 'utf8');
    expect(log).toContain('Secure MCP Filesystem Server running on stdio');
    expect(processesWith(dir)).toEqual([]);
  });

  it('serves a run, and a gagent killed -9 mid-run leaves no server behind', async () => {
    const dir = tempDir();
    const env = cliEnv(tempHome());
    await addServers(env, dir);
    const model = await startScriptedModel([
      reply('agent.memory_read_graph()', 'Look at what is remembered.'),
      ...Array.from({ length: 50 }, () => reply('agent.wait(0.5)', 'Wait a little.')),
    ]);
    cleanups.push(() => model.close());
    const run = spawnGagent(
      ['run', 'remember things', '--controller', 'none', '--yes', '--json', '--max-steps', '50'],
      {
        ...env,
        ...modelEnv(model),
      },
    );
    cleanups.push(() => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      return run.done;
    });
    await run.waitFor(/"type":"step_finished"[^\n]*"kind":"mcp"/);
    const second = await until(async () => generatorRequests(model.requests())[1]);
    expect(second.text).toContain('"entities"');
    expect(processesWith(dir).length).toBeGreaterThan(0);

    run.child.kill('SIGKILL');
    await run.done;
    await until(async () => (processesWith(dir).length === 0 ? true : undefined));
    expect(processesWith(path.join(dir, 'memory.jsonl'))).toEqual([]);
  });

  it('a worker starts them only when the operator sets GAGENT_ALLOW_STDIO=1', async () => {
    const harness = workerHarness(cleanups, undefined);
    const dir = tempDir();
    const db = await harness.database('sqlite');
    const model = await harness.model(() => reply('agent.done()', 'Nothing to do.'));
    const env = cliEnv(db.home, modelEnv(model));
    await addServers(env, dir);

    const closed = harness.worker(env, 1);
    const refusedRun = await harness.submit(env, 'first errand');
    await closed.waitFor(new RegExp(`"run_finished"[^\\n]*${refusedRun}|${refusedRun}[^\\n]*"run_finished"`));
    closed.child.kill('SIGTERM');
    await closed.done;
    const firstPrompt = generatorRequests(model.requests())[0]?.text ?? '';
    expect(firstPrompt).not.toContain('memory_read_graph');
    expect(fs.existsSync(path.join(db.home, 'data', 'logs', 'mcp', 'singleton', 'memory.log'))).toBe(false);

    const open = harness.worker({ ...env, GAGENT_ALLOW_STDIO: '1' }, 1);
    const allowedRun = await harness.submit(env, 'second errand');
    await open.waitFor(new RegExp(`"run_finished"[^\\n]*${allowedRun}|${allowedRun}[^\\n]*"run_finished"`));
    const later = generatorRequests(model.requests()).find((r) => r.text.includes('second errand'));
    expect(later?.text).toContain('memory_read_graph');
  });
});
