/**
 * The stdio transport against real programs: the MCP project's filesystem and memory servers from
 * npm, and a fixture server (test/fakes/mcp/stdio-server.mjs) that spawns a grandchild as `npx`
 * does, or misbehaves. A stand-in for gagent (stdio-holder.ts) runs in its own process where a test
 * needs gagent's terminal or gagent killed with SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { StdioProcessTransport, type StdioServerSpec } from '../../src/mcp/stdio-transport.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { isRunning, killIfRunning } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp.js';
import { until } from '../helpers/until.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fakes/mcp/stdio-server.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('../fakes/mcp/stdio-holder.ts', import.meta.url));
const packageDir = (name: string) =>
  path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const FILESYSTEM_MAIN = path.join(packageDir('@modelcontextprotocol/server-filesystem'), 'dist', 'index.js');
const BIN_DIR = path.join(ROOT, 'node_modules', '.bin');

const cleanups = cleanupAfterEach();

interface WhoAmI {
  pid: number;
  grandchild: number | null;
  env: Record<string, string>;
  argv: string[];
}

/** The fixture server run by this Node, with `flags`; its log in a fresh private home. */
function fixtureSpec(flags: string[] = [], extra: Partial<StdioServerSpec> = {}): StdioServerSpec {
  return {
    name: 'fixture',
    command: process.execPath,
    args: [FIXTURE, ...flags],
    env: {},
    logFile: path.join(tempDir(), 'logs', 'fixture.log'),
    ...extra,
  };
}

/** A client over a new transport for `spec`, closed (with every pid it learns of killed) after the test. */
function open(spec: StdioServerSpec) {
  const transport = new StdioProcessTransport(spec);
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  cleanups.push(async () => {
    await client.close();
    killIfRunning(transport.pid, transport.watchdogPid);
  });
  return { transport, client, connect: () => client.connect(transport, { timeout: 15_000 }) };
}

async function whoami(client: Client): Promise<WhoAmI> {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  const who = JSON.parse((result.content as { text: string }[])[0]?.text ?? '') as WhoAmI;
  cleanups.push(() => killIfRunning(who.grandchild));
  return who;
}

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { type: string; text: string }[]).map((c) => c.text).join('\n');

/** The gagent stand-in, run with tsx (its compile cache in a temp dir); killed after the test if it still runs. */
function startHolder(
  spec: StdioServerSpec,
  mode: 'hold' | 'close' | 'forget',
  env: NodeJS.ProcessEnv = process.env,
) {
  const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, JSON.stringify(spec), mode], {
    cwd: ROOT,
    env: { ...env, TMPDIR: tempDir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  holder.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  holder.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => holder.once('exit', (code) => resolve(code)));
  cleanups.push(() => killIfRunning(holder.pid));
  return { holder, output, exited };
}

interface HolderReport {
  server: number;
  grandchild: number | null;
  watchdog: number;
  whoami: WhoAmI;
}

async function firstReport(holder: ChildProcess, output: { stdout: string; stderr: string }) {
  const line = await until(async () => {
    if (output.stdout.includes('\n')) return output.stdout.split('\n')[0];
    if (holder.exitCode !== null) throw new Error(`the holder exited early:\n${output.stderr}`);
    return undefined;
  });
  const report = JSON.parse(line as string) as HolderReport;
  cleanups.push(() => killIfRunning(report.server, report.grandchild, report.watchdog));
  return report;
}

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
    const { holder, output, exited } = startHolder(spec, 'close', {
      ...process.env,
      COMPOSIO_API_KEY: 'SECRET-composio-key',
      OPENAI_API_KEY: 'sk-SECRET-openai-key',
      GAGENT_SERVE_TOKEN: 'SECRET-serve-token',
      GAGENT_HOME: home,
    });
    const report = await firstReport(holder, output);
    expect(await exited).toBe(0);

    const { env, argv } = report.whoami;
    expect(Object.keys(env).sort()).toEqual(['HOME', 'PATH', 'SERVER_TOKEN']);
    expect(env).toEqual({ HOME: os.homedir(), PATH: process.env.PATH, SERVER_TOKEN: 'configured-value' });
    expect(JSON.stringify(env)).not.toContain('SECRET');
    expect(argv).toContain('$(touch pwned); echo hi > x');
    expect(fs.readdirSync(home).sort()).toEqual(['logs']); // nothing a shell would have made

    const log = fs.readFileSync(spec.logFile, 'utf8');
    expect(log).toContain('fixture stderr marker');
    expect(output.stderr).not.toContain('fixture stderr marker');
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
    const { holder, output, exited } = startHolder(fixtureSpec(['--grandchild']), 'forget');
    expect(await exited).toBe(0);
    const report = await firstReport(holder, output);
    const pids = [report.server, report.grandchild as number, report.watchdog];
    await until(async () => (pids.some(isRunning) ? undefined : true), { timeoutMs: 15_000, everyMs: 100 });
  });

  it('when gagent is killed with SIGKILL: the watchdog ends the server, its grandchild, and itself', async () => {
    const { holder, output } = startHolder(fixtureSpec(['--grandchild']), 'hold');
    const report = await firstReport(holder, output);
    const pids = [report.server, report.grandchild as number, report.watchdog];
    expect(pids.map(isRunning)).toEqual([true, true, true]);
    holder.kill('SIGKILL');
    await until(async () => (pids.some(isRunning) ? undefined : true), { timeoutMs: 15_000, everyMs: 100 });
  });
});

describe('StdioProcessTransport turns a broken server into a clear error', () => {
  it('a program that does not exist', async () => {
    const { transport, connect } = open(fixtureSpec([], { command: 'gagent-no-such-program' }));
    await expect(connect()).rejects.toThrow('the program "gagent-no-such-program" was not found');
    expect(transport.pid).toBeUndefined();
    expect(transport.watchdogPid).toBeUndefined();
  });

  it('a working directory that does not exist', async () => {
    const missing = path.join(tempDir(), 'gone');
    const { transport, connect } = open(fixtureSpec([], { cwd: missing }));
    await expect(connect()).rejects.toThrow(`the working directory "${missing}" does not exist`);
    expect(transport.pid).toBeUndefined();
  });

  it('a program that exits at once: its exit code, its log, its last lines with its tokens redacted', async () => {
    const spec = fixtureSpec(['--stderr', 'using token tok-0123456789', '--exit-at-once', '3'], {
      env: { API_TOKEN: 'tok-0123456789' },
    });
    const { transport, connect } = open(spec);
    await expect(connect()).rejects.toThrow();
    expect(transport.failure?.message).toBe(
      `the program exited with code 3 before answering; its log: ${spec.logFile} (it ends: "using token [REDACTED] / loading settings / fatal: the setting FOO is missing")`,
    );
    expect(transport.failure?.kind).toBe('exited');
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });

  it('a program that exits after answering, leaving a grandchild on its pipes', async () => {
    const spec = fixtureSpec(['--grandchild']);
    const { transport, client, connect } = open(spec);
    const errors: Error[] = [];
    await connect();
    client.onerror = (err) => errors.push(err);
    const who = await whoami(client);
    await expect(client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/Connection closed/);
    expect(transport.failure?.message).toBe(
      `the program exited with code 7; its log: ${spec.logFile} (it ends: "crashing on purpose")`,
    );
    expect(errors).toContain(transport.failure);
    expect([who.pid, who.grandchild as number, transport.watchdogPid as number].map(isRunning)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('a program that writes something other than MCP messages on stdout', async () => {
    const { transport, connect } = open(fixtureSpec(['--garbage']));
    await expect(connect()).rejects.toThrow();
    expect(transport.failure?.message).toBe(
      'the program wrote something other than an MCP message on stdout: "Server listening on stdio, all good!"',
    );
    expect(transport.failure?.kind).toBe('bad_output');
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });

  it('a program that writes an endless line: ended at the limit, not buffered', async () => {
    const { transport, connect } = open(fixtureSpec(['--huge', String(5 * 1024 * 1024)]));
    await expect(connect()).rejects.toThrow();
    expect(transport.failure?.message).toBe('the program wrote a message larger than 4.0 MB on stdout');
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });
});
