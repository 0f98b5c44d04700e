/**
 * The MCP SDK's own example server with its demo OAuth (examples/server/simpleStreamableHttp.js
 * --oauth, and --oauth-strict which accepts only tokens issued for it, RFC 8707): an MCP server
 * and an authorization server no one here wrote, as a child process. Its authorization endpoint
 * approves at once and redirects to the redirect URI; it issues no refresh tokens, and keeps
 * tokens and registrations in memory, so a restart revokes them all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolved for require (the CommonJS build), then its ES module twin: the file the README names.
const EXAMPLE = createRequire(import.meta.url)
  .resolve('@modelcontextprotocol/sdk/examples/server/simpleStreamableHttp.js')
  .replace(`${path.sep}dist${path.sep}cjs${path.sep}`, `${path.sep}dist${path.sep}esm${path.sep}`);
const LOOPBACK_ONLY = fileURLToPath(new URL('../fixtures/listen-on-loopback.mjs', import.meta.url));

export interface SdkOAuthExample {
  /** The MCP endpoint, as the example names itself (localhost). */
  url: string;
  /** Its authorization server. */
  authServer: string;
  /** Stops it and starts it again on the same ports: every token and registration is forgotten. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function start(mcpPort: number, authPort: number, strict: boolean): Promise<ChildProcess> {
  // Its own flags: --oauth-strict alone turns nothing on; the example reads both.
  const flags = strict ? ['--oauth', '--oauth-strict'] : ['--oauth'];
  const child = spawn(process.execPath, ['--import', LOOPBACK_ONLY, EXAMPLE, ...flags], {
    env: { ...process.env, MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const listening = () =>
      /Authorization Server listening/.test(log) && /MCP Streamable HTTP Server listening/.test(log);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the SDK example did not start:\n${log}`));
    }, 20_000);
    const read = (chunk: Buffer) => {
      // It logs every request (tokens included) for as long as it runs: read and dropped.
      if (log.length < 10_000) log += chunk.toString('utf8');
      if (listening()) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the SDK example exited (${code}):\n${log}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function startSdkOAuthExample(options: { strict?: boolean } = {}): Promise<SdkOAuthExample> {
  const strict = options.strict === true;
  // Another process may take a probed port in between: then two fresh ones.
  for (let attempt = 1; ; attempt++) {
    const mcpPort = await freePort();
    const authPort = await freePort();
    let child: ChildProcess;
    try {
      child = await start(mcpPort, authPort, strict);
    } catch (err) {
      if (attempt < 3) continue;
      throw err;
    }
    return {
      url: `http://localhost:${mcpPort}/mcp`,
      authServer: `http://localhost:${authPort}/`,
      restart: async () => {
        await stop(child);
        child = await start(mcpPort, authPort, strict);
      },
      close: () => stop(child),
    };
  }
}
