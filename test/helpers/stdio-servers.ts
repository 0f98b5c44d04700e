/**
 * Stdio MCP servers for the transport's tests: the fixture server (test/fakes/mcp/stdio-server.mjs)
 * over the SDK client, and the stand-in for gagent (stdio-holder.ts) in a process of its own, for a
 * test that reads gagent's terminal or kills it. Everything started is ended after the test, even
 * when the test failed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioProcessTransport, type StdioServerSpec } from '../../src/mcp/stdio-transport.js';
import type { Cleanups } from './cleanup.js';
import { killIfRunning } from './processes.js';
import { tempDir } from './temp.js';
import { until } from './until.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fakes/mcp/stdio-server.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('../fakes/mcp/stdio-holder.ts', import.meta.url));

/** What the fixture's whoami tool answers. */
export interface WhoAmI {
  pid: number;
  grandchild: number | null;
  env: Record<string, string>;
  argv: string[];
}

/** What the holder prints once it has called whoami. */
export interface HolderReport {
  server: number;
  grandchild: number | null;
  watchdog: number;
  whoami: WhoAmI;
}

/** The fixture server run by this Node, with `flags`; its log in a fresh temporary directory. */
export function fixtureSpec(flags: string[] = [], extra: Partial<StdioServerSpec> = {}): StdioServerSpec {
  return {
    name: 'fixture',
    command: process.execPath,
    args: [FIXTURE, ...flags],
    env: {},
    inherited: { PATH: process.env.PATH, HOME: process.env.HOME },
    logFile: path.join(tempDir(), 'logs', 'fixture.log'),
    ...extra,
  };
}

export function stdioServers(cleanups: Cleanups) {
  return {
    /** A client over a new transport for `spec`, closed (and every pid it knows killed) after the test. */
    open(spec: StdioServerSpec) {
      const transport = new StdioProcessTransport(spec);
      const client = new Client({ name: 'stdio-test', version: '1.0.0' });
      cleanups.push(async () => {
        await client.close();
        killIfRunning(transport.pid, transport.watchdogPid);
      });
      return { transport, client, connect: () => client.connect(transport, { timeout: 15_000 }) };
    },

    async whoami(client: Client): Promise<WhoAmI> {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      const who = JSON.parse((result.content as { text: string }[])[0]?.text ?? '') as WhoAmI;
      cleanups.push(() => killIfRunning(who.grandchild));
      return who;
    },

    /**
     * The gagent stand-in, run with tsx (its compile cache in a temporary directory). `report()`
     * waits for its line.
     */
    startHolder(
      spec: StdioServerSpec,
      mode: 'hold' | 'close' | 'forget',
      env: NodeJS.ProcessEnv = process.env,
    ) {
      const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, JSON.stringify(spec), mode], {
        cwd: REPO_ROOT,
        env: { ...env, TMPDIR: tempDir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = { stdout: '', stderr: '' };
      holder.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
      holder.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => holder.once('exit', (code) => resolve(code)));
      cleanups.push(() => killIfRunning(holder.pid));
      const report = async (): Promise<HolderReport> => {
        const line = await until(async () => {
          if (output.stdout.includes('\n')) return output.stdout.split('\n')[0];
          if (holder.exitCode !== null) throw new Error(`the holder exited early:\n${output.stderr}`);
          return undefined;
        });
        const parsed = JSON.parse(line as string) as HolderReport;
        cleanups.push(() => killIfRunning(parsed.server, parsed.grandchild, parsed.watchdog));
        return parsed;
      };
      return { child: holder, output, exited, report };
    },
  };
}
