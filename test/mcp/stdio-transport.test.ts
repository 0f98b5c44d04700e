/**
 * The stdio transport against real programs: the MCP project's filesystem and memory servers from
 * npm, and a fixture server that spawns a grandchild as `npx` does. A stand-in for gagent runs in
 * its own process where a test needs gagent's terminal, or gagent killed with SIGKILL.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { LOG_ROTATE_BYTES } from '../../src/mcp/server-log.js';
import { StdioProcessTransport } from '../../src/mcp/stdio-transport.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { isRunning, killIfRunning } from '../helpers/processes.js';
import { fixtureSpec, REPO_ROOT, stdioServers } from '../helpers/stdio-servers.js';
import { tempDir } from '../helpers/temp.js';
import { until } from '../helpers/until.js';

const packageDir = (name: string) =>
  path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const FILESYSTEM_MAIN = path.join(packageDir('@modelcontextprotocol/server-filesystem'), 'dist', 'index.js');
const BIN_DIR = path.join(REPO_ROOT, 'node_modules', '.bin');

const cleanups = cleanupAfterEach();
const { open, whoami, startHolder } = stdioServers(cleanups);

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { type: string; text: string }[]).map((c) => c.text).join('\n');

describe('StdioProcessTransport with servers from npm', () => {
  it('lists and calls the filesystem server’s tools', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello over stdio\n');
    const { client, connect } = open({
      ...fixtureSpec(),
      name: 'filesystem',
      args: [FILESYSTEM_MAIN, dir],
    });
    await connect();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['read_text_file', 'list_directory']));
    const file = await client.callTool({
      name: 'read_text_file',
      arguments: { path: path.join(dir, 'hello.txt') },
    });
    expect(text(file)).toBe('hello over stdio\n');
    const listing = await client.callTool({ name: 'list_directory', arguments: { path: dir } });
    expect(text(listing)).toContain('[FILE] hello.txt');
  });

  it('runs the memory server by its name on the configured PATH and gives it the configured variables', async () => {
    const dir = tempDir();
    const memoryFile = path.join(dir, 'memory.jsonl');
    const { client, connect } = open({
      ...fixtureSpec(),
      name: 'memory',
      command: 'mcp-server-memory',
      args: [],
      env: { PATH: `${BIN_DIR}${path.delimiter}${process.env.PATH}`, MEMORY_FILE_PATH: memoryFile },
    });
    await connect();
    await client.callTool({
      name: 'create_entities',
      arguments: { entities: [{ name: 'gagent', entityType: 'project', observations: ['runs agents'] }] },
    });
    const graph = JSON.parse(text(await client.callTool({ name: 'read_graph', arguments: {} })));
    expect(graph.entities).toEqual([
      { name: 'gagent', entityType: 'project', observations: ['runs agents'] },
    ]);
    expect(fs.readFileSync(memoryFile, 'utf8')).toContain('runs agents');
  });
});

describe('StdioProcessTransport keeps the server apart from gagent', () => {
  it('gives the server only its configured variables, PATH and HOME, its arguments verbatim, and its stderr to the log', async () => {
    const home = tempDir();
    const spec = fixtureSpec(
      ['--stderr', 'fixture stderr marker', '--literal', '$(touch pwned); echo hi > x'],
      {
        env: { SERVER_TOKEN: 'configured-value' },
        cwd: home,
        logFile: path.join(home, 'logs', 'servers', 'fixture.log'),
      },
    );
    const holder = startHolder(spec, 'close', {
      ...process.env,
      COMPOSIO_API_KEY: 'SECRET-composio-key',
      OPENAI_API_KEY: 'sk-SECRET-openai-key',
      GAGENT_SERVE_TOKEN: 'SECRET-serve-token',
      GAGENT_HOME: home,
    });
    const report = await holder.report();
    expect(await holder.exited).toBe(0);

    const { env, argv } = report.whoami;
    expect(Object.keys(env).sort()).toEqual(['HOME', 'PATH', 'SERVER_TOKEN']);
    expect(env).toEqual({ HOME: os.homedir(), PATH: process.env.PATH, SERVER_TOKEN: 'configured-value' });
    expect(JSON.stringify(env)).not.toContain('SECRET');
    expect(argv).toContain('$(touch pwned); echo hi > x');
    expect(fs.readdirSync(home).sort()).toEqual(['logs']); // nothing a shell would have made

    const log = fs.readFileSync(spec.logFile, 'utf8');
    expect(log).toContain('fixture stderr marker');
    expect(holder.output.stderr).not.toContain('fixture stderr marker');
    expect(fs.statSync(spec.logFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(spec.logFile)).mode & 0o777).toBe(0o700);
    expect(isRunning(report.server)).toBe(false);
  });

  it('appends to an existing log, and an error quotes only this start’s lines', async () => {
    const spec = fixtureSpec(['--exit-at-once', '3']);
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(spec.logFile, 'an older run said this\n', { mode: 0o600 });
    const { transport, connect } = open(spec);
    await expect(connect()).rejects.toThrow();
    expect(fs.readFileSync(spec.logFile, 'utf8')).toMatch(
      /^an older run said this\n[\s\S]*fatal: the setting FOO/,
    );
    expect(transport.failure?.message).not.toContain('older run');
  });

  it('keeps one older generation of a log grown past its limit, and starts the log afresh', async () => {
    const spec = fixtureSpec(['--exit-at-once', '3']);
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(spec.logFile, 'x'.repeat(LOG_ROTATE_BYTES + 1), { mode: 0o600 });
    const { connect } = open(spec);
    await expect(connect()).rejects.toThrow();
    expect(fs.statSync(`${spec.logFile}.1`).size).toBe(LOG_ROTATE_BYTES + 1);
    expect(fs.statSync(spec.logFile).size).toBeLessThan(10_000);
    expect(fs.readFileSync(spec.logFile, 'utf8')).toContain('fatal: the setting FOO');
  });
});

describe('StdioProcessTransport ends the server’s whole process group', () => {
  it('on close(), with the grandchild a launcher like npx leaves', async () => {
    const { transport, client, connect } = open(fixtureSpec(['--grandchild']));
    await connect();
    const who = await whoami(client);
    const pids = [who.pid, who.grandchild as number, transport.watchdogPid as number];
    expect(pids.map(isRunning)).toEqual([true, true, true]);
    await client.close();
    expect(pids.map(isRunning)).toEqual([false, false, false]);
  });

  it('on close(), with a grandchild that ignores SIGTERM', async () => {
    const { transport, client, connect } = open(fixtureSpec(['--grandchild', '--stubborn']));
    await connect();
    const who = await whoami(client);
    await client.close();
    expect([who.pid, who.grandchild as number, transport.watchdogPid as number].map(isRunning)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('when close() comes before the start has finished', async () => {
    const transport = new StdioProcessTransport(fixtureSpec(['--grandchild']));
    cleanups.push(() => killIfRunning(transport.pid, transport.watchdogPid));
    const started = transport.start();
    await transport.close();
    await started;
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });

  it('when a command ends without closing it: gagent does not wait, and the watchdog ends the group', async () => {
    const holder = startHolder(fixtureSpec(['--grandchild']), 'forget');
    expect(await holder.exited).toBe(0);
    const report = await holder.report();
    const pids = [report.server, report.grandchild as number, report.watchdog];
    await until(async () => (pids.some(isRunning) ? undefined : true), { timeoutMs: 15_000, everyMs: 100 });
  });

  it('when gagent is killed with SIGKILL: the watchdog ends the server, its grandchild, and itself', async () => {
    const holder = startHolder(fixtureSpec(['--grandchild']), 'hold');
    const report = await holder.report();
    const pids = [report.server, report.grandchild as number, report.watchdog];
    expect(pids.map(isRunning)).toEqual([true, true, true]);
    holder.child.kill('SIGKILL');
    await until(async () => (pids.some(isRunning) ? undefined : true), { timeoutMs: 15_000, everyMs: 100 });
  });
});
